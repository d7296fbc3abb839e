import BridgeCore
import BridgeStore
import Foundation

/// A store of either kind (`TestStore`), with helpers to record runs and read what the worker's calls wrote.
struct WorkFixture {
    let testStore: TestStore
    var store: any DeliveryStore & WorkQueue { testStore.store }

    /// Exactly representable in milliseconds, after every delivery's `receivedAt`.
    static let start = Date(timeIntervalSince1970: 1_700_000_100)
    static let lease = Duration.seconds(30)

    init(_ kind: StoreKind = .sqlite) async throws {
        testStore = try await TestStore(kind)
    }

    /// `start` plus `seconds`.
    static func at(_ seconds: Double) -> Date {
        start.addingTimeInterval(seconds)
    }

    /// A distinct commit for each `number`.
    static func sha(_ number: Int) -> String {
        String(format: "%040x", number)
    }

    static func event(
        forge: Forge = .gitlab, sha: String = sha(1), refKind: RefKind = .branch, refName: String = "main",
        projectID: String? = "42"
    ) -> PushEvent {
        PushEvent(
            forge: forge, repository: "acme/shop", refKind: refKind, refName: refName, sha: sha,
            changedPaths: ["api/main.swift"], pusher: "octocat", cloneURL: "https://gitlab.example.com/acme/shop.git",
            projectID: projectID)
    }

    /// A run of `rule` with one step per target, in order.
    static func run(
        _ rule: String = "main-to-staging", sha: String = sha(1), environment: String? = "staging",
        targets: [String] = ["backend"], event: PushEvent? = nil
    ) -> PlannedRun {
        PlannedRun(
            rule: rule, environment: environment, event: event ?? self.event(sha: sha), notes: [],
            steps: targets.map { target in
                PlannedStep(target: target, provider: "command", parameters: .object(["run": .array([.string(target)])]))
            })
    }

    /// Records each run through a delivery of its own, in order, and returns their ids.
    @discardableResult
    func record(_ runs: [PlannedRun], forge: Forge = .gitlab) async throws -> [Int64] {
        var ids: [Int64] = []
        for var run in runs {
            // As a rules file with `status.gitlab` plans it: GitLab deployments for a run with an environment.
            if run.report == .none && run.event.forge == .gitlab {
                run.report = RunReport(reporters: StatusOutboxPolicy.legacyReporters(forge: forge, environment: run.environment))
            }
            let delivery = NewDelivery(
                source: "shop", forge: forge, key: "key-\(UUID().uuidString)", eventName: "Push Hook",
                receivedAt: Fixtures.receivedAt, disposition: .queued, runs: [run])
            let outcome = try await store.record(delivery)
            ids += outcome.runs.map(\.id)
        }
        return ids
    }

    /// Claims as `owner` at `start + seconds`.
    func claim(_ owner: String = "w1", at seconds: Double = 0) async throws -> ClaimedStep? {
        try await store.claimNextStep(owner: owner, now: Self.at(seconds), lease: Self.lease)
    }

    func finish(_ step: ClaimedStep, _ result: StepResult = .succeeded, owner: String = "w1", at seconds: Double = 1)
        async throws
    {
        try await store.finishStep(stepID: step.stepID, owner: owner, result: result, now: Self.at(seconds))
    }

    func runStatus(_ id: Int64) async throws -> String {
        try await store.run(id: id).summary.status
    }

    func stepStatuses(_ id: Int64) async throws -> [String] {
        try await store.run(id: id).steps.map(\.status)
    }

    /// The run's outbox rows, oldest first, as their target statuses.
    func outbox(_ runID: Int64) async throws -> [String] {
        try await testStore.strings("SELECT target_status FROM status_outbox WHERE run_id = \(runID) ORDER BY id")
    }

    /// Every outbox row, as `run:status`.
    func allOutbox() async throws -> [String] {
        try await testStore.strings("SELECT run_id || ':' || target_status FROM status_outbox ORDER BY id")
    }
}

/// The outbox as one sender that claims for no time at all: what the tests written before claims expect (the same rows
/// are due again at the same instant). `OutboxClaimTests` tests claims themselves.
extension WorkQueue {
    static var testSender: String { "tests" }

    func dueStatusUpdates(now: Date, limit: Int) async throws -> [PendingStatusUpdate] {
        try await claimStatusUpdates(owner: Self.testSender, now: now, lease: .zero, limit: limit)
    }

    func statusSent(outboxID: Int64, deploymentID: String, now: Date) async throws {
        try await statusSent(outboxID: outboxID, owner: Self.testSender, deploymentID: deploymentID, now: now)
    }

    func statusFailed(outboxID: Int64, error: String, retryAt: Date?, now: Date) async throws {
        try await statusFailed(outboxID: outboxID, owner: Self.testSender, error: error, retryAt: retryAt, now: now)
    }
}
