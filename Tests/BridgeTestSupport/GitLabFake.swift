import BridgeCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// GitLab's Deployments API on loopback, following the documented contract, for tests of whatever reports to it.
///
/// Serves `POST/GET /projects/:id/deployments` and `GET/PUT /projects/:id/deployments/:deployment_id` under
/// `<pathPrefix>/api/v4` on `127.0.0.1` and a free port, with GitLab's authentication (`PRIVATE-TOKEN` or
/// `Authorization: Bearer`), project lookup by id or URL-encoded path, Grape's parameter errors, the ref check,
/// environments created on first use, create idempotence, and the deployment state machine of
/// `app/models/deployment.rb`. It records every request, every deployment's status history and every illegal
/// transition attempted, its project hooks and their events (`GitLabFake+Hooks`), and can be told to answer the next requests with a fault (429, 500, a delay).
///
/// ```swift
/// try await withGitLabFake(GitLabFake(projects: [.init(id: 42, path: "acme/shop")])) { gitlab in
///     let reporter = GitLabStatusReporter(baseURL: gitlab.baseURL, token: …)
///     …
///     #expect(gitlab.illegalTransitions.isEmpty)
/// }
/// ```
public final class GitLabFake: Sendable {
    /// The token the fake accepts unless told otherwise.
    public static let defaultToken = "glpat-fake-gitlab-token"

    /// The accepted token, in `PRIVATE-TOKEN` or as `Authorization: Bearer`.
    public let token: String
    /// A self-managed install's path (`/gitlab`), empty for an install at the root.
    public let pathPrefix: String
    public let projects: [Project]
    /// Branch and tag names that exist; nil accepts any non-empty name.
    public let knownRefs: Set<String>?
    /// Commit SHAs that exist; nil accepts any non-empty SHA.
    public let knownCommits: Set<String>?
    public let illegalTransitionAnswer: IllegalTransitionAnswer

    let state = Mutex(GitLabFakeState())

    /// A fake GitLab; call `start()` (or use `withGitLabFake`) before sending it anything.
    public init(
        token: String = GitLabFake.defaultToken, projects: [Project] = [Project(id: 42, path: "acme/shop")],
        knownRefs: Set<String>? = nil, knownCommits: Set<String>? = nil, pathPrefix: String = "",
        illegalTransitionAnswer: IllegalTransitionAnswer = .badRequest
    ) {
        self.token = token
        self.projects = projects
        self.knownRefs = knownRefs
        self.knownCommits = knownCommits
        var prefix = pathPrefix
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.pathPrefix = prefix.isEmpty || prefix.hasPrefix("/") ? prefix : "/" + prefix
        self.illegalTransitionAnswer = illegalTransitionAnswer
    }

    // MARK: Lifecycle

    /// Why the fake could not start.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Binds `127.0.0.1` on a free port and serves until `stop()`. A stopped fake can start again (on a new port),
    /// keeping its deployments and records.
    public func start() async throws {
        guard port == nil else { throw StartError(description: "the GitLab fake is already serving at \(baseURL)") }
        let server: RunningServer
        do {
            server = try await RunningServer.start(name: "gitlab-fake", respond: { [self] request in await self.respond(to: request) })
        } catch {
            throw StartError(description: "the GitLab fake did not start: \(error)")
        }
        let previous = state.withLock { state in
            defer { state.server = server }
            return state.server
        }
        await previous?.stop()
    }

    /// Stops serving (requests in flight are answered, idle connections closed) and waits until the port is closed.
    /// Safe to call twice.
    public func stop() async {
        let server = state.withLock { state in
            defer { state.server = nil }
            return state.server
        }
        await server?.stop()
    }

    /// The port, once started.
    public var port: Int? { state.withLock { $0.server?.port } }

    /// What to configure as GitLab's address: `http://127.0.0.1:<port><pathPrefix>` (port 0 before `start()`).
    public var baseURL: String { "http://127.0.0.1:\(port ?? 0)\(pathPrefix)" }

    // MARK: Faults

    /// Answers the next `times` requests with `fault` (after any faults queued before), before looking at them.
    public func inject(_ fault: Fault, times: Int = 1) {
        state.withLock { $0.faults += Array(repeating: fault, count: max(0, times)) }
    }

    /// The next `method` request (`POST`: the next create) is handled, so GitLab keeps what it did, but its answer
    /// is held back for `stall`, longer than the client waits: the answer is lost, as when a connection drops or the
    /// client's process dies before it reads it.
    public func loseAnswer(toNext method: String, stall: Duration = .seconds(3)) {
        state.withLock { $0.lostAnswers.append((method: method, stall: stall)) }
    }

    // MARK: Inspection

    /// Every request received, oldest first.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }
    /// Every deployment, by id.
    public var deployments: [Deployment] { state.withLock { $0.deployments.values.sorted { $0.id < $1.id } } }
    /// The deployment with `id`.
    public func deployment(id: Int) -> Deployment? { state.withLock { $0.deployments[id] } }
    /// Every illegal transition attempted, oldest first: a test of a reporter expects none.
    public var illegalTransitions: [IllegalTransition] { state.withLock { $0.illegalTransitions } }

    /// Adds a deployment directly, as a CI job or an earlier run would have: for testing updates from a given state
    /// (`blocked`, or one GitLab refuses to update because `createdByCI`). Returns its id.
    @discardableResult
    public func addDeployment(
        projectID: Int, environment: String, sha: String, ref: String, tag: Bool = false, status: Status = .created,
        createdByCI: Bool = false
    ) -> Int {
        state.withLock { state in
            state.insertDeployment(
                projectID: projectID, environment: environment, sha: sha, ref: ref, tag: tag, status: status,
                createdByCI: createdByCI, now: Date())
        }
    }

    // MARK: Serving

    /// Reads the request, then answers it under the lock so the recorded order is the order served.
    private func respond(to request: Request) async -> Response {
        var request = request
        let body = (try? await request.collectBody(upTo: 1024 * 1024)).map { Array(buffer: $0) } ?? []
        let incoming = IncomingRequest(request: request, body: body)
        if let answer = await hookAnswer(incoming) {
            state.withLock { $0.requests.append(incoming.record(status: answer.status)) }
            return answer.response
        }
        let fault = state.withLock { $0.faults.isEmpty ? nil : $0.faults.removeFirst() }
        if case .delay(let duration) = fault {
            try? await Task.sleep(for: duration)
        }
        let (answer, stall) = state.withLock { state in
            let answer = fault.flatMap(FakeAnswer.init(fault:)) ?? handle(incoming, state: &state)
            state.requests.append(incoming.record(status: answer.status))
            let lost = state.lostAnswers.firstIndex { $0.method == incoming.method }.map { state.lostAnswers.remove(at: $0).stall }
            return (answer, lost)
        }
        if let stall { try? await Task.sleep(for: stall) }
        return answer.response
    }
}

/// Runs `body` with `fake` serving, and stops it afterwards whatever happens.
public func withGitLabFake<T>(
    _ fake: GitLabFake = GitLabFake(), isolation: isolated (any Actor)? = #isolation, _ body: (GitLabFake) async throws -> T
) async throws -> T {
    try await fake.start()
    do {
        let result = try await body(fake)
        await fake.stop()
        return result
    } catch {
        await fake.stop()
        throw error
    }
}
