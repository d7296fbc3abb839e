import BridgeCore
import Logging
import Synchronization

/// The worker's `StepJournal` for one claimed step: what the provider records goes to the store at once, under the
/// step's lease.
final class WorkerStepJournal: StepJournal {
    private let step: ClaimedStep
    private let owner: String
    private let worker: DeploymentWorker
    private let logger: Logger
    private let recorded = Atomic(false)

    init(step: ClaimedStep, owner: String, worker: DeploymentWorker, logger: Logger) {
        self.step = step
        self.owner = owner
        self.worker = worker
        self.logger = logger
    }

    var earlierProcess: LocalProcess? { step.earlierProcess }

    /// Whether the provider had the step's outcome recorded before it returned (the step is finished).
    var outcomeRecorded: Bool { recorded.load(ordering: .acquiring) }

    func recordProcess(_ process: LocalProcess) async throws(ProviderError) {
        do {
            try await worker.queue.recordProcess(stepID: step.stepID, owner: owner, process: process)
        } catch {
            logger.error("could not record the command's process; it does not run", metadata: ["error": "\(error)"])
            throw .retryable("the command did not run: its process could not be recorded first (\(error))")
        }
    }

    func recordOutcome(_ status: DeploymentStatus, log: String) async -> Bool {
        guard let result = StepResult(status) else { return false }
        guard await worker.record(step, owner: owner, result, log: log, logger) else { return false }
        recorded.store(true, ordering: .releasing)
        return true
    }

    func appendLog(_ text: String) async -> Bool {
        do {
            try await worker.queue.appendLog(stepID: step.stepID, text: text)
            return true
        } catch {
            // Not lost: the provider keeps it for the outcome's log.
            logger.warning("could not add the command's output to the step's log while it runs", metadata: ["error": "\(error)"])
            return false
        }
    }

    func note(_ text: String) async {
        logger.notice("\(text)")
        do {
            try await worker.queue.addStepNote(stepID: step.stepID, text: text)
        } catch {
            logger.warning("could not keep a note on the step", metadata: ["error": "\(error)"])
        }
    }
}

extension StepResult {
    /// The result a terminal status records; nil for `.inProgress`.
    init?(_ status: DeploymentStatus) {
        switch status {
        case .inProgress: return nil
        case .succeeded: self = .succeeded
        case .failed(let reason): self = .failed(reason: reason)
        case .canceled(let reason): self = .canceled(reason: reason)
        }
    }
}
