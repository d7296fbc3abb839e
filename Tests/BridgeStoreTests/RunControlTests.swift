import BridgeCore
import BridgeStore
import Foundation
import Testing

@Suite("Cancel and retry runs")
struct RunControlTests {
    @Test(arguments: StoreKind.allCases) func cancelingAQueuedRunCancelsItAtOnceAndReportsNothing(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run(targets: ["backend", "api"])])

        let summary = try await work.store.cancelRun(id: runs[0], now: WorkFixture.at(1))

        #expect(summary.status == "canceled")
        #expect(summary.updatedAt == WorkFixture.at(1))
        #expect(try await work.stepStatuses(runs[0]) == ["canceled", "canceled"])
        #expect(try await work.outbox(runs[0]).isEmpty)
        #expect(try await work.claim(at: 2) == nil)
    }

    @Test(arguments: StoreKind.allCases) func cancelingARunningRunAsksItsWorker(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let store = work.store
        let runs = try await work.record([WorkFixture.run(targets: ["backend", "api"])])
        let step = try #require(try await work.claim("w1", at: 0))

        let summary = try await store.cancelRun(id: runs[0], now: WorkFixture.at(1))
        #expect(summary.status == "running")
        #expect(try await store.cancelRun(id: runs[0], now: WorkFixture.at(2)).status == "running")

        let state = try await store.renewLease(stepID: step.stepID, owner: "w1", now: WorkFixture.at(3), lease: .seconds(30))
        #expect(state == .cancelRequested)
        // The lease was still extended: nobody else takes the step while its worker cancels it.
        #expect(try await work.claim("w2", at: 31) == nil)

        try await work.finish(step, .canceled(reason: "canceled by request"), owner: "w1", at: 4)
        let detail = try await store.run(id: runs[0])
        #expect(detail.summary.status == "canceled")
        #expect(detail.steps.map(\.status) == ["canceled", "skipped"])
        #expect(detail.steps[0].error == "canceled by request")
        #expect(try await work.outbox(runs[0]) == ["running", "canceled"])
    }

    @Test(arguments: StoreKind.allCases) func aRunningRunWithNoStepHeldIsCanceledAtOnce(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run(targets: ["backend", "api"])])
        let step = try #require(try await work.claim(at: 0))
        try await work.finish(step, at: 1)

        let summary = try await work.store.cancelRun(id: runs[0], now: WorkFixture.at(2))

        #expect(summary.status == "canceled")
        #expect(try await work.stepStatuses(runs[0]) == ["succeeded", "skipped"])
        #expect(try await work.outbox(runs[0]) == ["running", "canceled"])
        #expect(try await work.claim(at: 3) == nil)
    }

    @Test(arguments: StoreKind.allCases) func aStepThatSucceedsAfterACancelRequestEndsTheRunAsCanceled(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run(targets: ["backend", "api"])])
        let step = try #require(try await work.claim(at: 0))
        _ = try await work.store.cancelRun(id: runs[0], now: WorkFixture.at(1))

        try await work.finish(step, at: 2)

        #expect(try await work.runStatus(runs[0]) == "canceled")
        #expect(try await work.stepStatuses(runs[0]) == ["succeeded", "skipped"])
        #expect(try await work.outbox(runs[0]) == ["running", "canceled"])
    }

    @Test(arguments: StoreKind.allCases) func theLastStepSucceedingAfterACancelRequestSucceedsTheRun(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run()])
        let step = try #require(try await work.claim(at: 0))
        _ = try await work.store.cancelRun(id: runs[0], now: WorkFixture.at(1))

        try await work.finish(step, at: 2)

        #expect(try await work.runStatus(runs[0]) == "succeeded")
        #expect(try await work.outbox(runs[0]) == ["running", "success"])
    }

    @Test(arguments: StoreKind.allCases) func aDeploymentGivenBackDuringACancelIsClaimedToBeCanceled(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let store = work.store
        let runs = try await work.record([WorkFixture.run(targets: ["backend", "api"])])
        let step = try #require(try await work.claim("w1", at: 0))
        try await store.recordExternalID(stepID: step.stepID, owner: "w1", externalID: "d-7")
        _ = try await store.cancelRun(id: runs[0], now: WorkFixture.at(1))
        try await store.retryStepLater(
            stepID: step.stepID, owner: "w1", error: "HTTP 503", retryAt: WorkFixture.at(10), now: WorkFixture.at(2))
        #expect(try await work.runStatus(runs[0]) == "running")

        let again = try #require(try await work.claim("w2", at: 10))
        #expect(again.externalID == "d-7")
        #expect(try await store.renewLease(stepID: again.stepID, owner: "w2", now: WorkFixture.at(11), lease: .seconds(30)) == .cancelRequested)
    }

    @Test(arguments: StoreKind.allCases) func aStepGivenBackWithNothingInFlightDuringACancelEndsTheRun(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let store = work.store
        let runs = try await work.record([WorkFixture.run(targets: ["backend", "api"])])
        let step = try #require(try await work.claim("w1", at: 0))
        _ = try await store.cancelRun(id: runs[0], now: WorkFixture.at(1))

        try await store.retryStepLater(
            stepID: step.stepID, owner: "w1", error: "throttled", retryAt: WorkFixture.at(10), now: WorkFixture.at(2))

        #expect(try await work.runStatus(runs[0]) == "canceled")
        #expect(try await work.stepStatuses(runs[0]) == ["canceled", "skipped"])
        #expect(try await work.outbox(runs[0]) == ["running", "canceled"])
    }

    @Test(arguments: StoreKind.allCases) func cancelingAFinishedOrMissingRunFails(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let store = work.store
        let runs = try await work.record([WorkFixture.run()])
        let step = try #require(try await work.claim(at: 0))
        try await work.finish(step, at: 1)

        await #expect(throws: StoreError.conflict("run \(runs[0]) is already succeeded: only a queued or running run can be canceled")) {
            try await store.cancelRun(id: runs[0], now: WorkFixture.at(2))
        }
        await #expect(throws: StoreError.notFound("run 999")) { try await store.cancelRun(id: 999, now: WorkFixture.at(2)) }
        #expect(try await work.outbox(runs[0]) == ["running", "success"])
    }

    @Test(arguments: StoreKind.allCases) func retryingAFailedRunResumesAtItsFailedStepWithANewDeployment(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let store = work.store
        let runs = try await work.record([WorkFixture.run(targets: ["backend", "api", "smoke"])])
        let first = try #require(try await work.claim(at: 0))
        try await work.finish(first, at: 1)
        let second = try #require(try await work.claim(at: 2))
        try await store.recordExternalID(stepID: second.stepID, owner: "w1", externalID: "d-old")
        try await work.finish(second, .failed(reason: "boom"), at: 3)
        let running = try #require(try await store.dueStatusUpdates(now: WorkFixture.at(4), limit: 10).first)
        try await store.statusSent(outboxID: running.outboxID, deploymentID: "D1", now: WorkFixture.at(4))

        let summary = try await store.retryRun(id: runs[0], now: WorkFixture.at(5))

        #expect(summary.status == "queued")
        let detail = try await store.run(id: runs[0])
        #expect(detail.steps.map(\.status) == ["succeeded", "pending", "pending"])
        #expect(detail.steps.map(\.attempts) == [1, 0, 0])
        #expect(detail.steps[1].error == nil)
        #expect(detail.steps[1].externalID == nil)
        #expect(detail.steps[1].finishedAt == nil)
        let again = try #require(try await work.claim(at: 6))
        #expect(again.stepID == second.stepID)
        #expect(again.attempt == 1)
        #expect(again.externalID == nil)
        #expect(try await work.outbox(runs[0]) == ["running", "failed", "running"])

        // The earlier `failed` goes first, to the deployment it ends; then `running` creates a new one (GitLab's reporter
        // starts a deployment at `running`, whatever deployment the run had).
        let failed = try #require(try await store.dueStatusUpdates(now: WorkFixture.at(7), limit: 10).first)
        #expect(failed.update.status == .failed)
        #expect(failed.update.deploymentID == "D1")
        try await store.statusSent(outboxID: failed.outboxID, deploymentID: "D1", now: WorkFixture.at(7))
        let rerun = try #require(try await store.dueStatusUpdates(now: WorkFixture.at(7), limit: 10).first)
        #expect(rerun.update.status == .running)
        #expect(StatusReporterKind.all[rerun.reporter]?.startsDeployment(rerun.update.status) == true)
        try await store.statusSent(outboxID: rerun.outboxID, deploymentID: "D2", now: WorkFixture.at(8))

        try await work.finish(again, at: 9)
        let third = try #require(try await work.claim(at: 10))
        try await work.finish(third, at: 11)
        #expect(try await work.runStatus(runs[0]) == "succeeded")
        let success = try await store.dueStatusUpdates(now: WorkFixture.at(12), limit: 10)
        #expect(success.map(\.update.status) == [.success])
        #expect(success.map(\.update.deploymentID) == ["D2"])
    }

    @Test(arguments: StoreKind.allCases) func retryingACanceledQueuedRunReportsOnlyWhenItStarts(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run()])
        _ = try await work.store.cancelRun(id: runs[0], now: WorkFixture.at(0))

        #expect(try await work.store.retryRun(id: runs[0], now: WorkFixture.at(1)).status == "queued")
        #expect(try await work.outbox(runs[0]).isEmpty)
        let step = try #require(try await work.claim(at: 2))
        #expect(step.runID == runs[0])
        #expect(try await work.outbox(runs[0]) == ["running"])
    }

    @Test(arguments: StoreKind.allCases) func aRetriedRunIsNotSupersededByANewerOne(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run(sha: WorkFixture.sha(1)), WorkFixture.run(sha: WorkFixture.sha(2))])
        let newer = try #require(try await work.claim(at: 0))
        #expect(newer.runID == runs[1])
        #expect(try await work.runStatus(runs[0]) == "superseded")
        try await work.finish(newer, at: 1)

        #expect(try await work.store.retryRun(id: runs[0], now: WorkFixture.at(2)).status == "queued")
        let retried = try #require(try await work.claim(at: 3))

        #expect(retried.runID == runs[0])
        #expect(try await work.stepStatuses(runs[0]) == ["running"])
    }

    @Test(arguments: StoreKind.allCases) func onlyFinishedUnsuccessfulRunsCanBeRetried(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let store = work.store
        let runs = try await work.record([
            WorkFixture.run("a", targets: ["t1"]), WorkFixture.run("b", targets: ["t2"]), WorkFixture.run("c", targets: ["t3"]),
        ])
        let step = try #require(try await work.claim(at: 0))
        try await work.finish(step, at: 1)
        _ = try await work.claim(at: 2)

        for (id, status) in [(runs[0], "succeeded"), (runs[1], "running"), (runs[2], "queued")] {
            await #expect(throws: StoreError.conflict("run \(id) is \(status): only a failed, canceled or superseded run can be retried")) {
                try await store.retryRun(id: id, now: WorkFixture.at(3))
            }
        }
        await #expect(throws: StoreError.notFound("run 999")) { try await store.retryRun(id: 999, now: WorkFixture.at(3)) }
    }
}
