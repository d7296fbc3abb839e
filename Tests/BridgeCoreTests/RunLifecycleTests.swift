import BridgeCore
import Testing

/// The run state machine as plain values: no database.
@Suite("Run lifecycle")
struct RunLifecycleTests {
    static func run(
        _ status: RunStatus, _ steps: [StepStatus], reporters: [String] = ["gitlab"],
        reported: ForgeDeploymentStatus? = nil, cancelRequested: Bool = false, attempts: Int = 0, inFlight: Bool = false
    ) -> RunState {
        RunState(
            id: 7, status: status, cancelRequested: cancelRequested, reporters: reporters, reported: reported,
            steps: steps.enumerated().map { index, status in
                StepState(id: Int64(index + 1), status: status, attempts: status == .pending ? attempts : 1, hasExternalID: inFlight)
            })
    }

    /// `status` for GitLab's deployments.
    static func gitlab(_ status: ForgeDeploymentStatus) -> RunChange.Report {
        RunChange.Report(status: status, reporters: ["gitlab"])
    }

    static let github = ["github-deployment", "github-status"]

    @Test func aClaimStartsAQueuedRunAndReportsRunningOnce() {
        let change = RunLifecycle.stepClaimed(Self.run(.queued, [.running, .pending]))
        #expect(change == RunChange(status: .running, times: .started, report: Self.gitlab(.running)))
        #expect(RunLifecycle.stepClaimed(Self.run(.running, [.succeeded, .running], reported: .running)) == .none)
    }

    @Test func theLastSucceededStepSucceedsTheRun() {
        #expect(
            RunLifecycle.stepFinished(Self.run(.running, [.succeeded, .succeeded], reported: .running), .succeeded)
                == RunChange(status: .succeeded, times: .finished, report: Self.gitlab(.success)))
        #expect(RunLifecycle.stepFinished(Self.run(.running, [.succeeded, .pending], reported: .running), .succeeded) == .none)
    }

    @Test func aFailedStepFailsTheRunAndSkipsOrCancelsItsPendingSteps() {
        let untried = RunLifecycle.stepFinished(Self.run(.running, [.failed, .pending], reported: .running), .failed(reason: "x"))
        #expect(untried.status == .failed)
        #expect(untried.steps == [RunChange.Step(id: 2, status: .skipped)])
        #expect(untried.report == Self.gitlab(.failed))
        let tried = RunLifecycle.stepFinished(Self.run(.running, [.canceled, .pending], attempts: 2), .canceled(reason: "x"))
        #expect(tried.status == .canceled)
        #expect(tried.steps == [RunChange.Step(id: 2, status: .canceled)])
    }

    @Test func cancelingAQueuedRunCancelsItAtOnceAndTellsAForgeThatNeverSawItNothing() throws {
        let change = try RunLifecycle.cancel(Self.run(.queued, [.pending, .pending]))
        #expect(change.status == .canceled)
        #expect(change.times == .finished)
        #expect(change.steps.map(\.status) == [.canceled, .canceled])
        #expect(change.report == nil)
    }

    @Test func cancelingARunningRunAsksItsWorkerUnlessNothingIsInFlight() throws {
        let asked = try RunLifecycle.cancel(Self.run(.running, [.running, .pending], reported: .running))
        #expect(asked == RunChange(cancelRequested: true))
        // A step given back while its deployment may still run keeps the run waiting for a worker to cancel it.
        let inFlight = try RunLifecycle.cancel(Self.run(.running, [.succeeded, .pending], reported: .running, inFlight: true))
        #expect(inFlight == RunChange(cancelRequested: true))
        let idle = try RunLifecycle.cancel(Self.run(.running, [.succeeded, .pending], reported: .running))
        #expect(idle.status == .canceled)
        #expect(idle.cancelRequested == true)
        #expect(idle.report == Self.gitlab(.canceled))
    }

    @Test(arguments: [RunStatus.succeeded, .failed, .canceled, .superseded])
    func aFinishedRunCannotBeCanceled(status: RunStatus) {
        #expect(throws: StoreError.conflict("run 7 is already \(status.rawValue): only a queued or running run can be canceled")) {
            try RunLifecycle.cancel(Self.run(status, [.succeeded]))
        }
    }

    @Test func aStepGivenBackSettlesARequestedCancel() {
        #expect(RunLifecycle.stepGivenBack(Self.run(.running, [.pending], cancelRequested: true, attempts: 1)).status == .canceled)
        #expect(RunLifecycle.stepGivenBack(Self.run(.running, [.pending], cancelRequested: false, attempts: 1)) == .none)
    }

    @Test func retryQueuesTheUnfinishedStepsAgainAndKeepsTheSucceededOnes() throws {
        let change = try RunLifecycle.retry(Self.run(.failed, [.succeeded, .failed, .skipped]))
        #expect(change.status == .queued)
        #expect(change.cancelRequested == false)
        #expect(change.times == .retried)
        #expect(change.steps == [RunChange.Step(id: 2, status: .pending, reset: true), RunChange.Step(id: 3, status: .pending, reset: true)])
        #expect(throws: StoreError.self) { try RunLifecycle.retry(Self.run(.running, [.running])) }
        #expect(throws: StoreError.self) { try RunLifecycle.retry(Self.run(.succeeded, [.succeeded])) }
    }

    @Test func supersedingCancelsTheStepsOfAQueuedRunAndTellsGitLabNothing() {
        let change = RunLifecycle.supersede(Self.run(.queued, [.pending, .pending], reported: .success))
        #expect(
            change == RunChange(status: .superseded, times: .finished, steps: [.init(id: 1, status: .canceled), .init(id: 2, status: .canceled)]))
        #expect(RunLifecycle.supersede(Self.run(.running, [.running])) == .none)
    }

    @Test func onlyRunsWithReportersReport() {
        #expect(RunLifecycle.stepClaimed(Self.run(.queued, [.pending], reporters: [])).report == nil)
        #expect(RunLifecycle.stepClaimed(Self.run(.queued, [.pending], reported: .failed)).report == Self.gitlab(.running))
    }

    @Test func aForgeToldOfTheQueueHearsOfEveryMoveOfTheRun() throws {
        #expect(StatusOutboxPolicy.recorded(reporters: Self.github) == RunChange.Report(status: .queued, reporters: Self.github))
        #expect(StatusOutboxPolicy.recorded(reporters: ["gitlab"]) == nil)
        let started = RunLifecycle.stepClaimed(Self.run(.queued, [.pending], reporters: Self.github, reported: .queued))
        #expect(started.report == RunChange.Report(status: .running, reporters: Self.github))
        let superseded = RunLifecycle.supersede(Self.run(.queued, [.pending], reporters: Self.github, reported: .queued))
        #expect(superseded.report == RunChange.Report(status: .superseded, reporters: Self.github))
        let canceled = try RunLifecycle.cancel(Self.run(.queued, [.pending], reporters: Self.github, reported: .queued))
        #expect(canceled.report == RunChange.Report(status: .canceled, reporters: Self.github))
        let retried = try RunLifecycle.retry(Self.run(.superseded, [.canceled], reporters: Self.github, reported: .superseded))
        #expect(retried.report == RunChange.Report(status: .queued, reporters: Self.github))
        // GitLab's deployments start at running: a retry enqueues nothing until the run starts again.
        #expect(try RunLifecycle.retry(Self.run(.failed, [.failed], reported: .failed)).report == nil)
    }

    @Test(arguments: [
        (nil as ForgeDeploymentStatus?, ForgeDeploymentStatus.queued, true), (.queued, .queued, false), (.success, .queued, true),
        (.queued, .running, true), (.running, .running, false), (nil, .running, true), (.queued, .superseded, true),
        (.running, .superseded, false), (.queued, .canceled, true), (.running, .failed, true), (.queued, .success, true),
        (nil, .success, false), (.failed, .canceled, false),
    ])
    func aForgeToldOfQueuesIsShownOnlyLegalMoves(reported: ForgeDeploymentStatus?, next: ForgeDeploymentStatus, allowed: Bool) {
        for name in ["github-deployment", "github-status", "gitea", "forgejo", "bitbucket"] {
            #expect(StatusReporterKind.all[name]?.accepts(next, after: reported) == allowed, "\(name)")
        }
    }

    @Test func supersedingStatusesAreEveryRunNotItselfSupersededOrCanceled() {
        #expect(RunStatus.superseding == [.queued, .running, .succeeded, .failed])
    }
}
