import BridgeCore
import Foundation
import Synchronization

/// Stands in for Pulumi Cloud's Deployments REST API (providers.md §6, `content/docs/pulumi-cloud/deployments/api.md`
/// in pulumi/docs) on `127.0.0.1` and a free port: the GA routes under `/api/stacks/{org}/{project}/{stack}/deployments`.
///
/// | route | answer |
/// |---|---|
/// | `POST …/deployments` | 202 `{"id","consoleUrl","version"}`, the body checked strictly (`PulumiDeploymentShape`) |
/// | `GET …/deployments/{id}` | the deployment; each GET shows the next scripted status, the last repeats |
/// | `GET …/deployments/{id}/logs[?nextToken=…]` | `{"lines":[…],"nextToken"}` in pages of `logPageSize` lines, the last without `nextToken` |
/// | `POST …/deployments/{id}/cancel` | 200 `{}`; the deployment becomes `failed` (Pulumi has no canceled status) |
/// | anything else, the retired `/api/preview/…` routes included | 404 `{"code":404,"message":"Not Found"}` |
///
/// Checks, in order: a queued fault; the route; `Authorization: token <token>` (else 401); `Accept:
/// application/vnd.pulumi+8` (else 400: Pulumi documents the header as required, refusing its absence is the fake's
/// strictness); the stack (else 404 `Not Found: stack not found`); then the route's own. A create body must be JSON
/// (`Content-Type: application/json`) with only documented fields (else 400 naming the unknown ones), `operation` one
/// of Pulumi's (required when `inheritSettings` is false), and not both `branch` and `commit`. Canceling a finished
/// deployment answers 409 `Conflict: deployment has already completed` [unverified]; an unknown `nextToken` 400.
/// Errors are Pulumi's `{"code": <status>, "message": "…"}`. Every request is recorded with its token and the
/// body's secrets redacted; `receivedSecrets(deploymentID:)` gives a test the secret values exactly as sent.
public final class PulumiFake: Sendable {
    /// An obviously fake access token, accepted unless told otherwise.
    public static let defaultToken = "pul-fake000000000000000000000000000000000000"
    public static let acceptType = "application/vnd.pulumi+8"
    /// A deployment's life unless scripted otherwise.
    public static let defaultStatuses: [Status] = [.notStarted, .accepted, .running, .succeeded]
    /// A few lines of an update's log, headers included.
    public static let defaultLog: [LogLine] = [
        .header("Get source"),
        .line("Cloning into '/deployments/source'...", timestamp: "2026-11-23T12:00:01.000Z"),
        .header("Pulumi operation"),
        .line("Updating (dev)", timestamp: "2026-11-23T12:00:05.000Z"),
        .line("Resources: 3 unchanged", timestamp: "2026-11-23T12:00:09.000Z"),
    ]

    /// The accepted `Authorization: token <token>`.
    public let token: String
    /// The stacks that exist, as `org/project/stack`.
    public let stacks: Set<String>
    public let log: [LogLine]
    public let logPageSize: Int
    let now: @Sendable () -> Date
    let server = StandInServer(name: "pulumi-fake")
    let state = Mutex(PulumiFakeState())

    /// A fake Pulumi Cloud; call `start()` (or use `withPulumiFake`) before sending it anything.
    public init(
        token: String = PulumiFake.defaultToken, stacks: Set<String> = ["acme/shop/dev"], log: [LogLine] = PulumiFake.defaultLog,
        logPageSize: Int = 2, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.token = token
        self.stacks = stacks
        self.log = log
        self.logPageSize = max(1, logPageSize)
        self.now = now
    }

    /// Binds `127.0.0.1` on a free port and serves until `stop()`.
    public func start() async throws {
        try await server.start { [self] request in respond(to: request) }
    }

    /// Stops serving and waits until the port is closed. Safe to call twice.
    public func stop() async {
        await server.stop()
    }

    public var port: Int? { server.port }

    /// What to configure as Pulumi's API address: `http://127.0.0.1:<port>` (port 0 before `start()`).
    public var baseURL: String { "http://127.0.0.1:\(port ?? 0)" }

    /// Answers the next `times` requests with `fault` (after any faults queued before), before looking at them.
    public func inject(_ fault: Fault, times: Int = 1) {
        state.withLock { $0.faults += Array(repeating: fault, count: max(0, times)) }
    }

    /// The statuses the next deployment created walks through (after any scripts queued before); empty means
    /// `defaultStatuses`.
    public func script(_ statuses: [Status]) {
        state.withLock { $0.scripts.append(statuses.isEmpty ? Self.defaultStatuses : statuses) }
    }

    /// The next deployment created runs and ends with `outcome` (`failed`, `skipped`, `succeeded`).
    public func script(outcome: Status) {
        script([.notStarted, .accepted, .running, outcome])
    }

    /// Every request received, oldest first.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }
    /// Every deployment, oldest first.
    public var deployments: [Deployment] { state.withLock { state in state.order.compactMap { state.deployments[$0] } } }
    public func deployment(id: String) -> Deployment? { state.withLock { $0.deployments[id] } }
    /// The secrets of the deployment's create body by path (`sourceContext.git.gitAuth.accessToken`,
    /// `operationContext.environmentVariables.TOKEN`), exactly as received.
    public func receivedSecrets(deploymentID: String) -> [String: ReceivedSecret] { state.withLock { $0.secrets[deploymentID] ?? [:] } }

    /// Answers under the lock, so the recorded order is the order served.
    private func respond(to request: StandInRequest) -> FakeAnswer {
        state.withLock { state in
            let fault = state.faults.isEmpty ? nil : state.faults.removeFirst()
            let answer = fault.map(Self.answer) ?? handle(request, state: &state)
            state.requests.append(Self.record(request, status: answer.status))
            return answer
        }
    }
}

/// Runs `body` with `fake` serving, and stops it afterwards whatever happens.
public func withPulumiFake<T>(
    _ fake: PulumiFake = PulumiFake(), isolation: isolated (any Actor)? = #isolation, _ body: (PulumiFake) async throws -> T
) async throws -> T {
    try await FakeLifecycle.serving(start: fake.start, stop: fake.stop, isolation: isolation) { try await body(fake) }
}
