import BridgeCore
import Foundation
import Logging
import Synchronization

/// How one claimed step's execution ended, before it is recorded.
enum StepOutcome: Sendable {
    /// The provider reached a terminal state, with its last output (recorded with the outcome, in one commit).
    case deployed(DeploymentStatus, log: String = "")
    /// The provider failed; retried or failed by the retry policy.
    case providerError(ProviderError)
    /// An operator asked for it (`gitops-bridge runs cancel`, the admin API or the dashboard), with what the stopped
    /// provider logged last (a command's last lines).
    case cancelRequested(log: String = "")
    /// Someone else holds the step now: touch nothing.
    case leaseLost
    /// Shutdown grace is over: the lease is released for the next start to resume.
    case shutdown
    /// The deploying task was cancelled by one of the above.
    case interrupted
}

/// The provider's id of the step's deployment, shared between the deploying and the watching task.
final class ExternalIDBox: Sendable {
    private let value: Mutex<String?>

    init(_ value: String?) {
        self.value = Mutex(value)
    }

    var current: String? { value.withLock { $0 } }
    func set(_ id: String) { value.withLock { $0 = id } }
}

extension DeploymentWorker {
    func execute(_ step: ClaimedStep, owner: String) async {
        let logger = Self.logger(logger, for: step)
        let started = ContinuousClock.now
        guard let deployer = deployers[step.provider] else {
            logger.error("no deployer for this provider")
            await record(step, owner: owner, .failed(reason: "provider \(step.provider) is not available in this version of gitops-bridge"), logger)
            return
        }
        let request = Self.request(for: step)
        logger.info(step.externalID == nil ? "step started" : "step resumed: polling the deployment started before a restart")
        let deployment: PreparedDeployment
        do {
            deployment = try deployer.prepare(request)
        } catch {
            // Parameters that cannot make the provider's request: a permanent error, so the step fails now.
            metrics.recordStep(provider: step.provider, duration: .now - started)
            await handle(error, step: step, owner: owner, request: request, logger: logger)
            return
        }
        let externalID = ExternalIDBox(step.externalID)
        let journal = WorkerStepJournal(step: step, owner: owner, worker: self, logger: logger)
        let outcome = await withTaskGroup(of: StepOutcome.self) { group in
            group.addTask {
                await self.deploy(step, owner: owner, deployment: deployment, journal: journal, externalID: externalID, logger: logger)
            }
            group.addTask { await self.watch(step, owner: owner, journal: journal) }
            let first = await group.next() ?? .interrupted
            group.cancelAll()
            // The deploying task stops at a cancel request: what it logged until then goes with the outcome.
            if case .cancelRequested = first, case .deployed(_, let log)? = await group.next() { return StepOutcome.cancelRequested(log: log) }
            return first
        }
        metrics.recordStep(provider: step.provider, duration: .now - started)
        guard !journal.outcomeRecorded else {
            // The provider had the outcome recorded the moment it was known; what it logged since comes last.
            if case .deployed(_, let log) = outcome { await appendLog(log, step: step, logger: logger) }
            return
        }
        await conclude(step, owner: owner, outcome: outcome, deployment: deployment, externalID: externalID, logger: logger)
    }

    static func logger(_ base: Logger, for step: ClaimedStep) -> Logger {
        var logger = base
        // The delivery's key is on the intake's lines too (with the request's hb.request.id): one delivery's lines,
        // from the webhook to its steps' outcomes, are found together by it.
        logger[metadataKey: "delivery.key"] = "\(step.deliveryKey)"
        logger[metadataKey: "run.id"] = "\(step.runID)"
        logger[metadataKey: "step.target"] = "\(step.target)"
        logger[metadataKey: "provider"] = "\(step.provider)"
        logger[metadataKey: "attempt"] = "\(step.attempt)"
        return logger
    }

    /// The step as its provider gets it: parameters with every template rendered for this run.
    static func request(for step: ClaimedStep) -> DeploymentRequest {
        let variables = TemplateVariables.make(
            event: step.event, rule: step.rule, environment: step.environment, delivery: step.deliveryKey, run: String(step.runID))
        return DeploymentRequest(
            runID: step.runID, stepID: step.stepID, target: step.target, provider: step.provider,
            parameters: step.parameters.renderingTemplates(variables), environment: step.environment, event: step.event,
            attempt: step.attempt)
    }

    private func conclude(
        _ step: ClaimedStep, owner: String, outcome: StepOutcome, deployment: PreparedDeployment, externalID: ExternalIDBox, logger: Logger
    ) async {
        switch outcome {
        case .deployed(let status, let log):
            guard let result = StepResult(status) else {
                await appendLog(log, step: step, logger: logger)
                logger.warning("step interrupted; its lease will expire and the step resume")
                return
            }
            await record(step, owner: owner, result, log: log, logger)
        case .interrupted:
            logger.warning("step interrupted; its lease will expire and the step resume")
        case .providerError(let error):
            await handle(error, step: step, owner: owner, request: deployment.step, logger: logger)
        case .cancelRequested(let log):
            if let id = externalID.current {
                do {
                    try await deployment.cancel(externalID: id)
                } catch {
                    logger.warning("the provider could not cancel the deployment", metadata: ["error": "\(error)"])
                }
            }
            await record(step, owner: owner, .canceled(reason: "canceled at an operator's request"), log: log, logger)
        case .leaseLost:
            logger.warning("lease lost: another worker holds the step now")
        case .shutdown:
            logger.notice("shutdown grace over: the step's lease is released and the next start resumes it")
        }
    }

    private func handle(_ error: ProviderError, step: ClaimedStep, owner: String, request: DeploymentRequest, logger: Logger) async {
        if let delay = configuration.retry.delay(after: step.attempt, error: error, random: random()) {
            let retryAt = now().addingTimeInterval(Self.seconds(delay))
            if let deadline = StepDeadline(step: step, request: request), deadline.hasPassed(retryAt) {
                await record(step, owner: owner, .failed(reason: deadline.givingUp(error)), logger)
                return
            }
            logger.notice("step will be retried", metadata: ["error": "\(error)", "retry.in": "\(delay)"])
            do {
                try await queue.retryStepLater(stepID: step.stepID, owner: owner, error: error.description, retryAt: retryAt, now: now())
            } catch {
                logger.error("could not reschedule the step; its lease will expire", metadata: ["error": "\(error)"])
            }
            return
        }
        let reason = error.isRetryable ? "\(error) (gave up after \(step.attempt) attempts)" : error.description
        await record(step, owner: owner, .failed(reason: reason), logger)
    }

    /// Records the step's end with the last of its log, in one commit; the store ends the run with it when it was
    /// the last step or a failure. The same commit claims the slot's next step (`handoffs`), unless the worker is
    /// stopping or the slot holds one already. Returns whether it was recorded.
    @discardableResult
    func record(_ step: ClaimedStep, owner: String, _ result: StepResult, log: String = "", _ logger: Logger) async -> Bool {
        do {
            if shutdown.isStopping || handoffs.holds(owner) {
                try await queue.finishStep(stepID: step.stepID, owner: owner, result: result, log: log, now: now())
            } else {
                let next = try await queue.finishStep(
                    stepID: step.stepID, owner: owner, result: result, log: log, now: now(), claimingNextFor: configuration.lease)
                handoffs.keep(next, for: owner)
            }
        } catch {
            logger.error("could not record the step's result; its lease will expire and the step resume", metadata: ["error": "\(error)"])
            return false
        }
        switch result {
        case .succeeded:
            logger.info("step succeeded")
            if step.position == step.stepCount { metrics.countRun(status: "succeeded") }
        case .failed(let reason):
            logger.error("step failed", metadata: ["reason": "\(reason)"])
            metrics.countRun(status: "failed")
        case .canceled(let reason):
            logger.notice("step canceled", metadata: ["reason": "\(reason)"])
            metrics.countRun(status: "canceled")
        }
        outbox.wake(outboxSignal)
        return true
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
