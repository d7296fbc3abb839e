/// Every decision about a run's status (DESIGN §4): stores read a `RunState`, ask here, and persist the `RunChange`.
///
/// A step's own move that only its lease's owner may make (claimed, finished, given back) is persisted first by the
/// store, under that check; the `RunState` passed in is read after it.
public enum RunLifecycle {
    /// How a started run ended.
    public enum Ending: Sendable, Hashable {
        case succeeded
        case failed
        case canceled

        var status: RunStatus {
            switch self {
            case .succeeded: .succeeded
            case .failed: .failed
            case .canceled: .canceled
            }
        }

        var forgeStatus: ForgeDeploymentStatus {
            switch self {
            case .succeeded: .success
            case .failed: .failed
            case .canceled: .canceled
            }
        }
    }

    /// A step of the run was claimed: a queued run starts, and its forge is told.
    public static func stepClaimed(_ run: RunState) -> RunChange {
        guard run.status == .queued else { return .none }
        return RunChange(status: .running, times: .started, report: StatusOutboxPolicy.report(.running, for: run))
    }

    /// A held step ended with `result`: a failed or canceled step ends the run so; a succeeded one ends it when every
    /// step has succeeded, else the run waits for its next step (or is canceled, when that was asked meanwhile).
    public static func stepFinished(_ run: RunState, _ result: StepResult) -> RunChange {
        switch result {
        case .failed: return end(run, .failed)
        case .canceled: return end(run, .canceled)
        case .succeeded:
            if run.steps.allSatisfy({ $0.status == .succeeded }) { return end(run, .succeeded) }
            return settleCancelRequest(run)
        }
    }

    /// A held step was given back to be tried again later: the run goes on, unless a cancel was asked and nothing of it
    /// is in flight any more.
    public static func stepGivenBack(_ run: RunState) -> RunChange {
        settleCancelRequest(run)
    }

    /// `runs cancel`: a queued run is canceled at once (a forge told of its queue is told); a running run is asked to cancel
    /// (`LeaseState.cancelRequested`), and canceled at once when no worker has anything of it to stop. Asking again is
    /// harmless. A finished run is a conflict.
    public static func cancel(_ run: RunState) throws(StoreError) -> RunChange {
        switch run.status {
        case .queued:
            // Told only to a forge that was told of the queue (a retried run's last report, if any, was terminal).
            return RunChange(
                status: .canceled, times: .finished, steps: pendingSteps(of: run, become: { _ in .canceled }),
                report: StatusOutboxPolicy.report(.canceled, for: run))
        case .running:
            var asked = run
            asked.cancelRequested = true
            var change = settleCancelRequest(asked)
            change.cancelRequested = true
            return change
        case let status:
            throw .conflict("run \(run.id) is already \(status.rawValue): only a queued or running run can be canceled")
        }
    }

    /// `runs retry`: a failed, canceled or superseded run is queued again, with no cancel request; its succeeded steps
    /// stay, the others are pending again with their attempts forgotten. A retried run is never superseded (the retry
    /// was explicit, even of an older commit); its forge gets a new deployment (the last one ended).
    public static func retry(_ run: RunState) throws(StoreError) -> RunChange {
        guard run.status.isRetryable else {
            throw .conflict("run \(run.id) is \(run.status.rawValue): only a failed, canceled or superseded run can be retried")
        }
        let steps = run.steps.filter(\.status.isRetriedWithItsRun).map { RunChange.Step(id: $0.id, status: .pending, reset: true) }
        return RunChange(
            status: .queued, cancelRequested: false, times: .retried, steps: steps, report: StatusOutboxPolicy.report(.queued, for: run))
    }

    /// A queued run for which a newer run of the same rule and environment exists (`RunStatus.supersedesOlderRuns`), and
    /// that was not retried: deploying the older commit first would be wasted, or worse, briefly roll back. Its steps
    /// are canceled; a forge told of the queued run is told it was superseded.
    public static func supersede(_ run: RunState) -> RunChange {
        guard run.status == .queued else { return .none }
        return RunChange(
            status: .superseded, times: .finished, steps: pendingSteps(of: run, become: { _ in .canceled }),
            report: StatusOutboxPolicy.report(.superseded, for: run))
    }

    /// Ends a started run: its pending steps are skipped (or canceled, when they were tried and wait for a retry), and
    /// its forge is told.
    static func end(_ run: RunState, _ ending: Ending) -> RunChange {
        RunChange(
            status: ending.status, times: .finished,
            steps: pendingSteps(of: run, become: { $0.attempts > 0 ? .canceled : .skipped }),
            report: StatusOutboxPolicy.report(ending.forgeStatus, for: run))
    }

    /// Cancels a running run whose cancel was requested, once no worker has anything of it to stop: no step is running
    /// (a worker sees the request when it renews its lease) and none is pending with a deployment in flight (a worker
    /// still claims it, to cancel that deployment).
    static func settleCancelRequest(_ run: RunState) -> RunChange {
        let inFlight = run.steps.contains { $0.status == .running || ($0.status == .pending && $0.hasExternalID) }
        guard run.status == .running, run.cancelRequested, !inFlight else { return .none }
        return end(run, .canceled)
    }

    private static func pendingSteps(of run: RunState, become status: (StepState) -> StepStatus) -> [RunChange.Step] {
        run.steps.filter { $0.status == .pending }.map { RunChange.Step(id: $0.id, status: status($0)) }
    }
}
