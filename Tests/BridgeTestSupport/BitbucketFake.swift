import BridgeCore
import Foundation

/// Bitbucket Cloud's commit status API on loopback, following the REST reference ("Commit statuses"), for tests of
/// whatever reports to it.
///
/// | route (under `/2.0/repositories/{workspace}/{repo_slug}/commit/{commit}`) | answer |
/// |---|---|
/// | `POST /statuses/build` | 201 the build status; a second post with the same `key` updates that status |
/// | `GET /statuses/build/{key}` | 200 the build status, 404 when there is none |
/// | `GET /statuses` | 200 a page `{"pagelen","page","size","values",["next"]}`, oldest first, `page` and `pagelen` (≤ 100) |
/// | anything else | 404 |
///
/// Checks, in order: a queued fault; the route; the credentials, an access token as `Authorization: Bearer …` or a user
/// and app password as basic (else 401); the repository (404); then, for a post, a JSON object body with `key`
/// (required, at most 40 characters), `state` (`INPROGRESS|SUCCESSFUL|FAILED|STOPPED`) and `url` (required, an http(s)
/// URL whose host is `localhost`, an IP address or a dotted name: Django's `URLValidator`, which refuses
/// `http://jenkins:8080/`), else 400 in Bitbucket's shape, `{"type": "error", "error": {"message": "url: Enter a valid
/// URL.", "fields": {"url": ["Enter a valid URL."]}}}`. The 401 and 404 messages are [assumed]. Every request is
/// recorded without its credentials; every accepted post is kept in the commit's history.
public final class BitbucketFake: Sendable {
    /// An obviously fake repository access token, accepted unless told otherwise.
    public static let defaultToken = "ATCTT3xFfGN0-fake-bitbucket-access-token-0000"
    public static let defaultUsername = "deploy-bot"
    /// An obviously fake app password.
    public static let defaultAppPassword = "ATBBfakeAppPassword0000"

    public typealias Fault = ForgeFakeFault
    public typealias RecordedRequest = ForgeFakeRequest

    /// The accepted access token (Bearer).
    public let token: String
    /// The accepted user and app password (Basic).
    public let username: String
    public let appPassword: String
    /// The repositories that exist, `workspace/repo_slug` (matched case-insensitively).
    public let repositories: Set<String>
    let host = ForgeFakeHost(name: "bitbucket-fake", model: BitbucketFakeState())

    /// A fake Bitbucket Cloud; call `start()` (or use `withBitbucketFake`) before sending it anything.
    public init(
        token: String = BitbucketFake.defaultToken, username: String = BitbucketFake.defaultUsername,
        appPassword: String = BitbucketFake.defaultAppPassword, repositories: Set<String> = ["acme/shop"]
    ) {
        self.token = token
        self.username = username
        self.appPassword = appPassword
        self.repositories = repositories
    }

    /// Binds `127.0.0.1` on a free port and serves until `stop()`.
    public func start() async throws {
        try await host.start(
            handle: { [self] request, state in handle(request, state: &state) },
            tooManyRequests: Self.tooManyRequests(retryAfter:), serverError: Self.serverError)
    }

    /// Stops serving and waits until the port is closed. Safe to call twice.
    public func stop() async {
        await host.stop()
    }

    public var port: Int? { host.port }

    /// What to configure as Bitbucket's API address: `http://127.0.0.1:<port>` (port 0 before `start()`).
    public var baseURL: String { "http://127.0.0.1:\(port ?? 0)" }

    /// Answers the next `times` requests with `fault` (after any faults queued before), before looking at them.
    public func inject(_ fault: Fault, times: Int = 1) {
        host.inject(fault, times: times)
    }

    /// Every request received, oldest first.
    public var requests: [RecordedRequest] { host.requests }

    /// The build statuses of `sha` (of any repository) as they are now, one per key, oldest first.
    public func statuses(sha: String) -> [BuildStatus] {
        host.read { $0.statuses.filter { $0.sha == sha } }
    }

    /// The build status of `sha` with `key`, as it is now.
    public func status(sha: String, key: String) -> BuildStatus? {
        statuses(sha: sha).first { $0.key == key }
    }

    /// Every accepted post for `sha` (of any repository), oldest first: each status as it was set.
    public func history(sha: String) -> [BuildStatus] {
        host.read { $0.history.filter { $0.sha == sha } }
    }
}

/// Runs `body` with `fake` serving, and stops it afterwards whatever happens.
public func withBitbucketFake<T>(
    _ fake: BitbucketFake = BitbucketFake(), isolation: isolated (any Actor)? = #isolation, _ body: (BitbucketFake) async throws -> T
) async throws -> T {
    try await FakeLifecycle.serving(start: fake.start, stop: fake.stop, isolation: isolation) { try await body(fake) }
}
