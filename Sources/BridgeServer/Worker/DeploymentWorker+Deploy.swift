import BridgeCore
import Foundation
import Logging

extension DeploymentWorker {
    /// Starts (or, after a restart, resumes) the deployment and polls it to a terminal state, or until the step's
    /// deadline, when the deployment is stopped and the step fails.
    func deploy(
        _ step: ClaimedStep, owner: String, deployment: PreparedDeployment, journal: WorkerStepJournal, externalID: ExternalIDBox,
        logger: Logger
    ) async -> StepOutcome {
        let deadline = StepDeadline(step: step, request: deployment.step)
        do {
            if let id = step.externalID {
                return .deployed(try await pollUntilTerminal(id, deployment: deployment, deadline: deadline))
            }
            if let deadline, deadline.hasPassed(now()) {
                return .deployed(.failed(reason: deadline.notStartedReason(lastError: step.lastError)))
            }
            let start = try await deployment.start(journal: journal)
            if let id = start.externalID {
                externalID.set(id)
                do {
                    try await queue.recordExternalID(stepID: step.stepID, owner: owner, externalID: id)
                } catch {
                    // Keep going: the deployment exists. Only a crash before the next write could start it twice.
                    logger.error("could not record the deployment id", metadata: ["error": "\(error)", "external.id": "\(id)"])
                }
            }
            // A finished deployment's log is recorded with its outcome, in the same commit.
            if start.status.isTerminal { return .deployed(start.status, log: start.log) }
            await appendLog(start.log, step: step, logger: logger)
            guard let id = start.externalID else {
                return .deployed(.failed(reason: "provider \(step.provider) left the deployment running without an id to poll"))
            }
            return .deployed(try await pollUntilTerminal(id, deployment: deployment, deadline: deadline))
        } catch let error as ProviderError {
            return Task.isCancelled ? .interrupted : .providerError(error)
        } catch {
            return .interrupted
        }
    }

    /// Polls every `providerPoll` until the deployment is terminal; transient poll errors are retried by the policy.
    /// At the deadline the deployment is stopped (`Deployer.cancel`) and the step fails, saying so.
    private func pollUntilTerminal(_ id: String, deployment: PreparedDeployment, deadline: StepDeadline?) async throws -> DeploymentStatus {
        var failures = 0
        while true {
            try await Task.sleep(for: deadline.map { min(configuration.providerPoll, $0.remaining(now())) } ?? configuration.providerPoll)
            if let deadline, deadline.hasPassed(now()) {
                return await stop(id, deployment: deployment, deadline: deadline)
            }
            do {
                let progress = try await deployment.poll(externalID: id)
                failures = 0
                if !progress.log.isEmpty { try? await queue.appendLog(stepID: deployment.step.stepID, text: progress.log) }
                if progress.status.isTerminal { return progress.status }
            } catch {
                failures += 1
                guard let delay = configuration.retry.delay(after: failures, error: error, random: random()) else { throw error }
                try await Task.sleep(for: delay)
            }
        }
    }

    /// Stops a deployment that outlived its step's timeout; the step fails either way.
    private func stop(_ id: String, deployment: PreparedDeployment, deadline: StepDeadline) async -> DeploymentStatus {
        do {
            try await deployment.cancel(externalID: id)
            return .failed(reason: deadline.reason(stopping: id, failure: nil))
        } catch {
            return .failed(reason: deadline.reason(stopping: id, failure: error))
        }
    }

    func appendLog(_ text: String, step: ClaimedStep, logger: Logger) async {
        guard !text.isEmpty else { return }
        do {
            try await queue.appendLog(stepID: step.stepID, text: text)
        } catch {
            logger.warning("could not keep the step's output", metadata: ["error": "\(error)"])
        }
    }

    /// Keeps the lease while the step runs; ends the step early for a cancel request, a lost lease or shutdown. Once
    /// the provider has had the outcome recorded, the step is finished: nothing is left to hold or to interrupt
    /// while the provider cleans up, but the lease of the step claimed in that same commit, which waits for the slot,
    /// is kept meanwhile (`keepHandoff`).
    func watch(_ step: ClaimedStep, owner: String, journal: WorkerStepJournal) async -> StepOutcome {
        let renewEvery = Self.renewEvery(configuration.lease)
        var nextRenewal = ContinuousClock.now + renewEvery
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
            if journal.outcomeRecorded {
                await keepHandoff(of: owner)
                continue
            }
            if shutdown.isGraceOver { return .shutdown }
            guard ContinuousClock.now >= nextRenewal else { continue }
            nextRenewal = .now + renewEvery
            do {
                switch try await queue.renewLease(stepID: step.stepID, owner: owner, now: now(), lease: configuration.lease) {
                case .held: continue
                case .cancelRequested: return .cancelRequested()
                case .lost: return .leaseLost
                }
            } catch {
                logger.warning("could not renew a lease", metadata: ["run.id": "\(step.runID)", "error": "\(error)"])
            }
        }
        return .interrupted
    }
}
