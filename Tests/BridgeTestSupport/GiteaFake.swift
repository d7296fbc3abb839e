import BridgeCore
import Foundation

/// Gitea's commit status API on loopback (Forgejo keeps the same API, so it stands in for Forgejo too), following
/// `routers/api/v1/repo/status.go` and the swagger of both, for tests of whatever reports to it.
///
/// | route (under `<pathPrefix>/api/v1/repos/{owner}/{repo}`) | answer |
/// |---|---|
/// | `POST /statuses/{sha}` | 201 the new `CommitStatus` (`{"id","status","context","target_url","description",…}`) |
/// | `GET /statuses/{sha}`, `GET /commits/{ref}/statuses` | 200 the sha's statuses, newest first (`sort=oldest` reverses), `page` and `limit`, `X-Total-Count` |
/// | `GET /commits/{ref}/status` | 200 the combined status: the latest per context, and their combined `state` |
/// | anything else | 404 |
///
/// Checks, in order: a queued fault; the route (404 `{"message":"The target couldn't be found.",…}`); the token, as
/// `Authorization: token …`, `Bearer …` or basic with the token as password (else 401 `{"message":"token is required"}`
/// [wording assumed]); the repository (404); then, for a post, a JSON object body whose `state` is one of
/// `pending|success|error|failure|warning` (else 422 `{"message":"…"}`: Gitea's own handler has no such check, the
/// fake is stricter so a client sending anything else is caught). Every request is recorded without its credentials,
/// and every status kept with its repository and commit. A status is a new record on every post, as in Gitea: a
/// commit's history shows every one, its combined status the latest per context.
public final class GiteaFake: Sendable {
    /// An obviously fake access token (Gitea's are 40 hex characters), accepted unless told otherwise.
    public static let defaultToken = "0123456789abcdef0123456789abcdeffa4e0000"

    public typealias Fault = ForgeFakeFault
    public typealias RecordedRequest = ForgeFakeRequest

    /// The accepted token.
    public let token: String
    /// An install's path (`/git`), empty for an install at the root.
    public let pathPrefix: String
    /// The repositories that exist, `owner/repo` (matched case-insensitively, as Gitea does).
    public let repositories: Set<String>
    let host = ForgeFakeHost(name: "gitea-fake", model: GiteaFakeState())

    /// A fake Gitea (or Forgejo); call `start()` (or use `withGiteaFake`) before sending it anything.
    public init(token: String = GiteaFake.defaultToken, repositories: Set<String> = ["acme/shop"], pathPrefix: String = "") {
        self.token = token
        self.repositories = repositories
        var prefix = pathPrefix
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.pathPrefix = prefix.isEmpty || prefix.hasPrefix("/") ? prefix : "/" + prefix
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

    /// What to configure as the forge's address: `http://127.0.0.1:<port><pathPrefix>` (port 0 before `start()`).
    public var baseURL: String { "http://127.0.0.1:\(port ?? 0)\(pathPrefix)" }

    /// Answers the next `times` requests with `fault` (after any faults queued before), before looking at them.
    public func inject(_ fault: Fault, times: Int = 1) {
        host.inject(fault, times: times)
    }

    /// Every request received, oldest first.
    public var requests: [RecordedRequest] { host.requests }

    /// Every status posted, oldest first.
    public var statuses: [CommitStatus] { host.read(\.statuses) }

    /// Every status posted for `sha` (of any repository), oldest first.
    public func history(sha: String) -> [CommitStatus] {
        host.read { $0.statuses.filter { $0.sha == sha } }
    }

    /// The latest status of each context of `sha` in `repository`, and their combined state, as
    /// `GET /commits/{ref}/status` shows them.
    public func combined(repository: String = "acme/shop", sha: String) -> Combined {
        host.read { $0.combined(repository: repository, sha: sha) }
    }
}

/// Runs `body` with `fake` serving, and stops it afterwards whatever happens.
public func withGiteaFake<T>(
    _ fake: GiteaFake = GiteaFake(), isolation: isolated (any Actor)? = #isolation, _ body: (GiteaFake) async throws -> T
) async throws -> T {
    try await FakeLifecycle.serving(start: fake.start, stop: fake.stop, isolation: isolation) { try await body(fake) }
}
