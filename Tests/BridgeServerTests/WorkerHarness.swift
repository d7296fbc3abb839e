import BridgeCore
import BridgeServer
import BridgeStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A worker on a real SQLite file, with runs recorded straight into the store and scripted deployers.
struct WorkerHarness {
    let directory: URL
    let store: SQLiteDeliveryStore
    let metrics = BridgeMetrics()

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-worker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteDeliveryStore(path: directory.appendingPathComponent("bridge.sqlite").path)
    }

    func removeFiles() {
        try? FileManager.default.removeItem(at: directory)
    }

    static func configuration(slots: Int = 4, maxAttempts: Int = 3, grace: Duration = .seconds(5)) -> WorkerConfiguration {
        WorkerConfiguration(
            slots: slots, lease: .seconds(3), idlePoll: .milliseconds(50), providerPoll: .milliseconds(20),
            retry: RetryPolicy(maximumAttempts: maxAttempts, initialDelay: .milliseconds(20), maximumDelay: .milliseconds(100)),
            statusRetry: RetryPolicy(maximumAttempts: 5, initialDelay: .milliseconds(20), maximumDelay: .seconds(2)),
            shutdownGrace: grace, owner: "test-\(UUID().uuidString.prefix(8))")
    }

    /// Records a delivery that plans one run of `rule` with one step per target (or `steps`); returns the run's id.
    @discardableResult
    func queueRun(
        rule: String = "deploy", environment: String? = "staging", targets: [String] = [], steps: [PlannedStep]? = nil,
        sha: String = String(repeating: "a", count: 40), forge: Forge = .gitlab, tag: String? = nil, key: String = UUID().uuidString,
        reporters: [String]? = nil
    ) async throws -> Int64 {
        let event = PushEvent(
            forge: forge, repository: "acme/shop", refKind: tag == nil ? .branch : .tag, refName: tag ?? "main", sha: sha,
            pusher: "alice", cloneURL: "https://gitlab.example.com/acme/shop.git", projectID: "42")
        let steps = steps ?? targets.map { PlannedStep(target: $0, provider: "scripted", parameters: .object(["name": .string($0)])) }
        // As a rules file with `status.gitlab` plans it: GitLab deployments for a run with an environment.
        let report = RunReport(reporters: reporters ?? StatusOutboxPolicy.legacyReporters(forge: forge, environment: environment))
        let run = PlannedRun(rule: rule, environment: environment, event: event, steps: steps, report: report)
        let delivery = NewDelivery(
            source: "shop-gitlab", forge: forge, key: key, eventName: "Push Hook", receivedAt: Date(), disposition: .queued, runs: [run])
        let outcome = try await store.record(delivery)
        guard let id = outcome.runs.first?.id else { throw HarnessError("nothing queued: \(outcome.kind)") }
        return id
    }

    /// Runs a worker until `done` holds (checked every 20 ms) or `timeout` passes, then shuts it down gracefully.
    func runWorker(
        deployers: [any Deployer], reporter: (any StatusReporter)? = nil, reporters: [String: any StatusReporter]? = nil,
        configuration: WorkerConfiguration = configuration(),
        timeout: Duration = .seconds(20), until done: @escaping @Sendable () async throws -> Bool
    ) async throws {
        var logger = Logger(label: "worker-test")
        logger.logLevel = .critical
        let worker = DeploymentWorker(
            queue: store, deployers: deployers, statusReporters: reporters ?? reporter.map { ["gitlab": $0] } ?? [:], configuration: configuration,
            metrics: metrics, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [worker], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let deadline = ContinuousClock.now + timeout
            var satisfied = false
            while ContinuousClock.now < deadline {
                if try await done() {
                    satisfied = true
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            if !satisfied { throw HarnessError("condition not reached within \(timeout)") }
        }
    }

    func runStatus(_ id: Int64) async throws -> String {
        try await store.run(id: id).summary.status
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The request of the `scripted` provider, which only tests run: nothing to read.
struct ScriptedRequest: ProviderRequest {
    static let provider = "scripted"

    static func read(parameters: ConfigValue, event: PushEvent) throws(ProviderError) -> ScriptedRequest {
        ScriptedRequest()
    }
}

/// Stands in for a deployment provider: each call follows a script, and every call is recorded.
final class ScriptedDeployer: Deployer, Sendable {
    enum Behaviour: Sendable {
        case succeed
        case fail(String)
        case throwRetryable(String)
        case throwPermanent(String)
        /// Runs until cancelled (a long deployment).
        case hang
        /// Sleeps, then succeeds.
        case take(Duration)
        /// An asynchronous deployment: started with this external id, succeeds on the given poll (1-based).
        case asynchronous(id: String, succeedOnPoll: Int)
    }

    struct Call: Sendable, Hashable {
        var target: String
        var runID: Int64
        var attempt: Int
    }

    private let script: Mutex<[String: [Behaviour]]>
    private let state = Mutex<(calls: [Call], active: [String: Int], maxActive: [String: Int], cancelled: Int)>(([], [:], [:], 0))
    private let polls = Mutex<[String: Int]>([:])
    private let pollTarget = Mutex<[String: Int]>([:])

    /// How often each external deployment was polled.
    var pollCounts: [String: Int] { polls.withLock { $0 } }

    /// `script[target]` is consumed call by call; the last behaviour repeats. Unscripted targets succeed.
    init(_ script: [String: [Behaviour]] = [:]) {
        self.script = Mutex(script)
    }

    var calls: [Call] { state.withLock { $0.calls } }
    var cancelledCount: Int { state.withLock { $0.cancelled } }
    func maxConcurrent(_ target: String) -> Int { state.withLock { $0.maxActive[target] ?? 0 } }

    func start(
        _ scripted: ScriptedRequest, step request: DeploymentRequest, journal: any StepJournal
    ) async throws(ProviderError) -> DeploymentStart {
        let behaviour = script.withLock { script -> Behaviour in
            guard var queue = script[request.target], !queue.isEmpty else { return .succeed }
            let next = queue.count > 1 ? queue.removeFirst() : queue[0]
            script[request.target] = queue
            return next
        }
        state.withLock { state in
            state.calls.append(Call(target: request.target, runID: request.runID, attempt: request.attempt))
            state.active[request.target, default: 0] += 1
            state.maxActive[request.target] = max(state.maxActive[request.target] ?? 0, state.active[request.target] ?? 0)
        }
        defer { state.withLock { $0.active[request.target, default: 1] -= 1 } }
        switch behaviour {
        case .succeed: return DeploymentStart(externalID: nil, status: .succeeded, log: "deployed \(request.target)\n")
        case .fail(let reason): return DeploymentStart(externalID: nil, status: .failed(reason: reason), log: "failing\n")
        case .throwRetryable(let message): throw .retryable(message)
        case .throwPermanent(let message): throw .permanent(message)
        case .asynchronous(let id, let succeedOnPoll):
            pollTarget.withLock { $0[id] = succeedOnPoll }
            return DeploymentStart(externalID: id, status: .inProgress, log: "started \(id)\n")
        case .hang, .take:
            let duration: Duration = if case .take(let time) = behaviour { time } else { .seconds(3600) }
            do {
                try await Task.sleep(for: duration)
            } catch {
                state.withLock { $0.cancelled += 1 }
                return DeploymentStart(externalID: nil, status: .canceled(reason: "interrupted"))
            }
            return DeploymentStart(externalID: nil, status: .succeeded)
        }
    }

    func poll(_ scripted: ScriptedRequest, externalID: String, step: DeploymentRequest) async throws(ProviderError) -> DeploymentProgress {
        let count = polls.withLock { polls in
            polls[externalID, default: 0] += 1
            return polls[externalID] ?? 0
        }
        let target = pollTarget.withLock { $0[externalID] } ?? 1
        return DeploymentProgress(status: count >= target ? .succeeded : .inProgress, log: "poll \(count)\n")
    }

    func cancel(_ scripted: ScriptedRequest, externalID: String, step: DeploymentRequest) async throws(ProviderError) {}
}
