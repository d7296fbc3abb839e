import BridgeCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Stands in for CodeDeploy's JSON 1.1 API (providers.md §2) on `127.0.0.1` and a free port, for what moto cannot
/// do: deployments that move through `InProgress` to `Succeeded`, `Failed` or `Stopped`, `StopDeployment`, and
/// CodeDeploy's errors.
///
/// Every request must be `POST /` with `X-Amz-Target: CodeDeploy_20141006.<Operation>` and a SigV4 signature that the
/// fake recomputes with the known secret (`SigV4RequestVerifier`): a malformed one is refused with 400
/// `IncompleteSignatureException`, a wrong one with 403 `InvalidSignatureException`, an unknown key with 403
/// `UnrecognizedClientException`. Then it serves `CreateDeployment` (ids `d-` and nine characters), `GetDeployment`
/// (each call shows the next scripted `Step`; the last repeats) and `StopDeployment` (the deployment becomes `Stopped`;
/// one that has ended answers `DeploymentAlreadyCompletedException`). Errors are written as CodeDeploy writes them:
/// `{"__type": "com.amazonaws.codedeploy.v20141006#<Code>", "message": …}`. It records every request (credentials
/// redacted) and can be told to answer the next ones with a fault.
public final class CodeDeployFake: Sendable {
    public static let defaultCredentials = AWSCredentials(
        accessKeyID: "AKIAFAKECODEDEPLOY01", secretAccessKey: "fake/Secret+Key/For/The/CodeDeploy/Fake0000")

    public let credentials: AWSCredentials
    public let region: String
    /// Applications and their deployment groups; nil accepts any names.
    public let applications: [String: Set<String>]?

    let state = Mutex(CodeDeployFakeState())

    /// A fake accepting requests signed with `credentials` for `region`; call `start()` (or use `withCodeDeployFake`).
    public init(
        credentials: AWSCredentials = CodeDeployFake.defaultCredentials, region: String = "eu-west-2",
        applications: [String: Set<String>]? = nil
    ) {
        self.credentials = credentials
        self.region = region
        self.applications = applications
    }

    /// Why the fake could not start.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Binds `127.0.0.1` on a free port and serves until `stop()`.
    public func start() async throws {
        guard port == nil else { throw StartError(description: "the CodeDeploy fake is already serving at \(endpoint)") }
        let server: RunningServer
        do {
            server = try await RunningServer.start(name: "codedeploy-fake", respond: { [self] request in await self.respond(to: request) })
        } catch {
            throw StartError(description: "the CodeDeploy fake did not start: \(error)")
        }
        state.withLock { $0.server = server }
    }

    /// Stops serving and waits until the port is closed. Safe to call twice.
    public func stop() async {
        let server = state.withLock { state in
            defer { state.server = nil }
            return state.server
        }
        await server?.stop()
    }

    public var port: Int? { state.withLock { $0.server?.port } }

    /// The `endpoint` to give a target: `http://127.0.0.1:<port>`.
    public var endpoint: String { "http://127.0.0.1:\(port ?? 0)" }

    /// Answers the next `times` signed requests with `fault`.
    public func inject(_ fault: Fault, times: Int = 1) {
        state.withLock { $0.faults += Array(repeating: fault, count: max(0, times)) }
    }

    /// The steps the next deployment created goes through (after any scripts queued before); without a script a
    /// deployment shows `Step.inProgressThenSucceeded`.
    public func script(_ steps: [Step]) {
        state.withLock { $0.scripts.append(steps.isEmpty ? Step.inProgressThenSucceeded : steps) }
    }

    /// Every request received, oldest first.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }
    /// Every deployment, oldest first.
    public var deployments: [Deployment] { state.withLock { state in state.order.compactMap { state.deployments[$0] } } }
    public func deployment(id: String) -> Deployment? { state.withLock { $0.deployments[id] } }

    private func respond(to request: Request) async -> Response {
        var request = request
        let body = (try? await request.collectBody(upTo: 1024 * 1024)).map { Array(buffer: $0) } ?? []
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0),\(field.value)" } ?? field.value
        }
        let incoming = Incoming(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query, host: request.head.authority,
            headers: headers, body: body)
        let answer = state.withLock { state in
            let answer = handle(incoming, state: &state)
            state.requests.append(incoming.record(answer))
            return answer
        }
        return answer.response
    }
}

/// Runs `body` with `fake` serving, and stops it afterwards whatever happens.
public func withCodeDeployFake<T>(
    _ fake: CodeDeployFake = CodeDeployFake(), isolation: isolated (any Actor)? = #isolation,
    _ body: (CodeDeployFake) async throws -> T
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
