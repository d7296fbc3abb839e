import BridgeCore
import Foundation
import Synchronization

/// Stands in for the worker's `StepJournal`: keeps what the provider records, and runs a test's checks at each call.
final class RecordingJournal: StepJournal, Sendable {
    struct Outcome: Sendable, Hashable {
        var status: DeploymentStatus
        var log: String
    }

    let earlierProcess: LocalProcess?
    private let onRecordProcess: @Sendable (LocalProcess) async throws(ProviderError) -> Void
    private let onRecordOutcome: @Sendable () -> Void
    private let state = Mutex<(processes: [LocalProcess], outcomes: [Outcome], notes: [String], logs: [String])>(([], [], [], []))

    init(
        earlierProcess: LocalProcess? = nil,
        onRecordProcess: @escaping @Sendable (LocalProcess) async throws(ProviderError) -> Void = { _ in },
        onRecordOutcome: @escaping @Sendable () -> Void = {}
    ) {
        self.earlierProcess = earlierProcess
        self.onRecordProcess = onRecordProcess
        self.onRecordOutcome = onRecordOutcome
    }

    var processes: [LocalProcess] { state.withLock { $0.processes } }
    var outcomes: [Outcome] { state.withLock { $0.outcomes } }
    var notes: [String] { state.withLock { $0.notes } }
    /// What the provider added to the log while the step ran, in order.
    var logs: [String] { state.withLock { $0.logs } }

    func recordProcess(_ process: LocalProcess) async throws(ProviderError) {
        state.withLock { $0.processes.append(process) }
        try await onRecordProcess(process)
    }

    func recordOutcome(_ status: DeploymentStatus, log: String) async -> Bool {
        onRecordOutcome()
        state.withLock { $0.outcomes.append(Outcome(status: status, log: log)) }
        return true
    }

    func appendLog(_ text: String) async -> Bool {
        state.withLock { $0.logs.append(text) }
        return true
    }

    func note(_ text: String) async {
        state.withLock { $0.notes.append(text) }
    }
}
