import BridgeCore
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// GitHub's REST API for deployment and commit statuses on loopback, following the documented contract, for tests of
/// whatever reports to it.
///
/// Serves, under `<pathPrefix>` (`/api/v3` for GitHub Enterprise Server) on `127.0.0.1` and a free port:
/// `GET /repos/{o}/{r}/installation` and `POST /app/installations/{id}/access_tokens` for a GitHub App (its JWT
/// verified with the app's public key: RS256, `iss`, `iat`, `exp`), the deployments API (create with `ref`,
/// `environment`, `auto_merge` and `required_contexts` semantics, list with filters, deployment statuses with the seven
/// states and `auto_inactive`), and commit statuses. Repository calls take a personal token or an installation token
/// of the repository's installation, refused with 401 `Bad credentials` once expired. It records every request, every
/// deployment's and commit's status history, hooks and their delivery logs (`GitHubFake+Hooks`), and can be told to answer the next requests with a fault (5xx, primary
/// or secondary rate limit, a delay), to lose the answer to a call, or to expire its tokens early.
///
/// ```swift
/// try await withGitHubFake(GitHubFake(appPublicKeyPEM: GitHubTestKey.shared.publicKeyPEM)) { github in
///     let client = try GitHubClient(baseURL: github.baseURL, credentials: .app(…), httpClient: …)
///     …
///     #expect(github.deployments.first?.states == ["queued", "in_progress", "success"])
/// }
/// ```
public final class GitHubFake: Sendable {
    public static let defaultAppID = "424242"
    /// A personal token the fake accepts unless told otherwise (made up, in GitHub's format).
    public static let defaultToken = "ghp_FakeGitHubPersonalToken0123456789ab"
    /// GitHub's `documentation_url` on errors.
    static let documentation = "https://docs.github.com/rest"

    /// GitHub Enterprise Server's API path (`/api/v3`), empty for github.com's layout.
    public let pathPrefix: String
    public let appID: String
    /// The app's public key (PEM); nil: no app, every JWT is refused.
    public let appPublicKeyPEM: String?
    public let personalTokens: Set<String>
    public let repositories: [Repository]
    /// How long an installation token lasts (GitHub: an hour).
    public let tokenLifetime: TimeInterval
    /// Refs (branch and tag names) and their commits; nil accepts any ref, a 40-hex ref as its own sha.
    public let refs: [String: String]?
    /// Whether the default branch is ahead of every ref: a create with `auto_merge` (GitHub's default) then answers
    /// 202 `Auto-merged …` and deploys nothing.
    public let defaultBranchAhead: Bool
    let now: @Sendable () -> Date

    let state = Mutex(GitHubFakeState())
    /// The port while serving, else 0: kept apart from `state`, as answers built under its lock carry URLs.
    private let servingPort = Atomic<Int>(0)

    /// A fake GitHub; call `start()` (or use `withGitHubFake`) before sending it anything.
    public init(
        appID: String = GitHubFake.defaultAppID, appPublicKeyPEM: String? = nil, personalTokens: Set<String> = [GitHubFake.defaultToken],
        repositories: [Repository] = [Repository("acme/shop")], tokenLifetime: TimeInterval = 3600, refs: [String: String]? = nil,
        defaultBranchAhead: Bool = true, pathPrefix: String = "", now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.appID = appID
        self.appPublicKeyPEM = appPublicKeyPEM
        self.personalTokens = personalTokens
        self.repositories = repositories
        self.tokenLifetime = tokenLifetime
        self.refs = refs
        self.defaultBranchAhead = defaultBranchAhead
        var prefix = pathPrefix
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.pathPrefix = prefix.isEmpty || prefix.hasPrefix("/") ? prefix : "/" + prefix
        self.now = now
    }

    // MARK: Lifecycle

    /// Binds `127.0.0.1` on a free port and serves until `stop()`.
    public func start() async throws {
        guard port == nil else { throw RunningServer.StartFailure(description: "the GitHub fake is already serving at \(baseURL)") }
        let server = try await RunningServer.start(name: "github-fake") { [self] request in await self.respond(to: request) }
        state.withLock { $0.server = server }
        servingPort.store(server.port, ordering: .releasing)
    }

    /// Stops serving and waits until the port is closed. Safe to call twice.
    public func stop() async {
        let server = state.withLock { state in
            defer { state.server = nil }
            return state.server
        }
        await server?.stop()
        servingPort.store(0, ordering: .releasing)
    }

    /// The port, once started.
    public var port: Int? {
        let port = servingPort.load(ordering: .acquiring)
        return port == 0 ? nil : port
    }

    /// What to configure as GitHub's API address: `http://127.0.0.1:<port><pathPrefix>`.
    public var baseURL: String { "http://127.0.0.1:\(port ?? 0)\(pathPrefix)" }

    // MARK: Faults

    /// Answers the next `times` requests with `fault` (after any faults queued before), before looking at them.
    public func inject(_ fault: Fault, times: Int = 1) {
        state.withLock { $0.faults += Array(repeating: fault, count: max(0, times)) }
    }

    /// The next `call` is handled, so GitHub keeps what it did, but its answer is held back for `stall`, longer than
    /// the client waits: the answer is lost, as when a connection drops.
    public func loseAnswer(toNext call: Call, stall: Duration = .seconds(3)) {
        state.withLock { $0.lostAnswers.append((call: call, stall: stall)) }
    }

    /// Makes every installation token issued so far expire now: GitHub refuses them with 401 `Bad credentials`.
    public func expireTokens() {
        let expired = now().addingTimeInterval(-1)
        state.withLock { state in
            for token in state.tokens.keys { state.tokens[token]?.expiresAt = expired }
        }
    }

    // MARK: Inspection

    /// Every request received, oldest first.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }
    /// Every deployment, by id.
    public var deployments: [Deployment] { state.withLock { $0.deployments.values.sorted { $0.id < $1.id } } }
    /// The deployment with `id`.
    public func deployment(id: Int) -> Deployment? { state.withLock { $0.deployments[id] } }
    /// Every commit status of `sha` in `repository`, oldest first.
    public func commitStatuses(repository: String = "acme/shop", sha: String) -> [CommitStatus] {
        state.withLock { $0.commitStatuses[GitHubFakeState.statusKey(repository: repository, sha: sha)] ?? [] }
    }
    /// Every installation token issued, oldest first.
    public var issuedTokens: [IssuedToken] { state.withLock { state in state.tokenOrder.compactMap { state.tokens[$0] } } }

    // MARK: Serving

    /// Reads the request, then answers it under the lock so the recorded order is the order served.
    private func respond(to request: Request) async -> Response {
        var request = request
        let body = (try? await request.collectBody(upTo: 1024 * 1024)).map { Array(buffer: $0) } ?? []
        let incoming = IncomingRequest(request: request, body: body)
        if let answer = await hookAnswer(incoming) {
            state.withLock { $0.requests.append(record(incoming, caller: nil, status: answer.status)) }
            return answer.response
        }
        let fault = state.withLock { $0.faults.isEmpty ? nil : $0.faults.removeFirst() }
        if case .delay(let duration) = fault {
            try? await Task.sleep(for: duration)
        }
        let (answer, stall) = state.withLock { state in
            let route = route(incoming)
            var caller: Caller?
            var answer = fault.flatMap(faultAnswer) ?? handle(incoming, route: route, caller: &caller, state: &state)
            state.requests.append(record(incoming, caller: caller, status: answer.status))
            answer.headers.merge(rateLimitHeaders(used: state.requests.count)) { current, _ in current }
            let lost = route.flatMap { route in fault != nil ? nil : state.lostAnswers.firstIndex { $0.call == route.call } }
            return (answer, lost.map { state.lostAnswers.remove(at: $0).stall })
        }
        if let stall { try? await Task.sleep(for: stall) }
        return answer.response
    }

    /// What the fake keeps of a request: never a credential.
    private func record(_ request: IncomingRequest, caller: Caller?, status: Int) -> RecordedRequest {
        var headers = request.headers
        if headers["authorization"] != nil { headers["authorization"] = "[REDACTED]" }
        return RecordedRequest(
            method: request.method, path: request.path, query: request.query, headers: headers,
            body: try? JSONDecoder().decode(ConfigValue.self, from: Data(request.body)),
            bodyText: String(decoding: request.body, as: UTF8.self), caller: caller, responseStatus: status)
    }
}

/// Runs `body` with `fake` serving, and stops it afterwards whatever happens.
public func withGitHubFake<T>(
    _ fake: GitHubFake, isolation: isolated (any Actor)? = #isolation, _ body: (GitHubFake) async throws -> T
) async throws -> T {
    try await FakeLifecycle.serving(start: fake.start, stop: fake.stop) { try await body(fake) }
}
