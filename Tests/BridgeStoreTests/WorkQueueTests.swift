import BridgeCore
import BridgeStore
import Foundation
import Testing

@Suite("Work queue: claims and leases")
struct WorkQueueTests {
    @Test(arguments: StoreKind.allCases) func claimsTheOldestRunFirstAndItsStepsInOrder(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([
            WorkFixture.run("deploy-a", targets: ["a1", "a2"]), WorkFixture.run("deploy-b", targets: ["b1"]),
        ])

        let first = try #require(try await work.claim(at: 0))
        #expect(first.runID == runs[0])
        #expect(first.position == 1)
        #expect(first.stepCount == 2)
        #expect(first.target == "a1")
        #expect(first.provider == "command")
        #expect(first.parameters == .object(["run": .array([.string("a1")])]))
        #expect(first.attempt == 1)
        #expect(first.externalID == nil)
        #expect(first.rule == "deploy-a")
        #expect(first.environment == "staging")
        #expect(first.event == WorkFixture.event())
        #expect(first.deliveryKey.hasPrefix("key-"))
        #expect(first.leaseExpiresAt == WorkFixture.at(30))
        #expect(try await work.runStatus(runs[0]) == "running")

        // Step 2 of run A waits for step 1: run B's step comes next, then nothing.
        let second = try #require(try await work.claim(at: 0))
        #expect(second.runID == runs[1])
        #expect(try await work.claim(at: 0) == nil)

        try await work.finish(first)
        let third = try #require(try await work.claim(at: 2))
        #expect(third.runID == runs[0])
        #expect(third.position == 2)
        #expect(try await work.stepStatuses(runs[0]) == ["succeeded", "running"])
    }

    @Test(arguments: StoreKind.allCases) func oneStepPerTargetUntilTheFirstFinishes(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run("deploy-a"), WorkFixture.run("deploy-b")])

        let first = try #require(try await work.claim("w1", at: 0))
        #expect(first.runID == runs[0])
        #expect(try await work.claim("w2", at: 10) == nil)

        try await work.finish(first, owner: "w1", at: 11)
        let second = try #require(try await work.claim("w2", at: 11))
        #expect(second.runID == runs[1])
        #expect(second.target == first.target)
    }

    @Test(arguments: StoreKind.allCases) func anExpiredLeaseIsResumedBeforeAnotherStepOfItsTargetStarts(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run("deploy-a"), WorkFixture.run("deploy-b")])
        let first = try #require(try await work.claim("w1", at: 0))

        #expect(try await work.claim("w2", at: 29.999) == nil)
        // The lease ends at 30 s: the same step is resumed, not run B's step on the same target.
        let resumed = try #require(try await work.claim("w2", at: 30))
        #expect(resumed.stepID == first.stepID)
        #expect(try await work.claim("w3", at: 30) == nil)

        try await work.finish(resumed, owner: "w2", at: 31)
        let next = try #require(try await work.claim("w3", at: 31))
        #expect(next.runID == runs[1])
    }

    /// An expired lease means the worker is gone, not its deployment: an older run's step on the same target
    /// waits until the expired step was resumed and finished.
    @Test(arguments: StoreKind.allCases) func anExpiredStepBlocksItsTargetForOlderRunsToo(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([
            WorkFixture.run("older", targets: ["build", "backend"]), WorkFixture.run("newer", targets: ["backend"]),
        ])
        let build = try #require(try await work.claim("w1", at: 0))
        let newer = try #require(try await work.claim("w2", at: 0))
        #expect(newer.runID == runs[1])
        try await work.finish(build, owner: "w1", at: 1)

        let next = try #require(try await work.claim("w3", at: 31))

        #expect(next.stepID == newer.stepID)
        #expect(try await work.claim("w4", at: 31) == nil)
        try await work.finish(next, owner: "w3", at: 32)
        let older = try #require(try await work.claim("w4", at: 33))
        #expect(older.runID == runs[0])
        #expect(older.target == "backend")
    }

    @Test(arguments: StoreKind.allCases) func resumingAnExpiredLeaseKeepsTheExternalIDAndCountsTheAttempt(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run(targets: ["backend", "smoke"])])
        let first = try #require(try await work.claim("w1", at: 0))
        try await work.store.recordExternalID(stepID: first.stepID, owner: "w1", externalID: "d-123")

        let resumed = try #require(try await work.claim("w2", at: 31))

        #expect(resumed.stepID == first.stepID)
        #expect(resumed.externalID == "d-123")
        #expect(resumed.attempt == 2)
        #expect(resumed.leaseExpiresAt == WorkFixture.at(61))
        #expect(try await work.store.run(id: runs[0]).steps[0].attempts == 2)
        // Resuming is not a new start: still one `running` in the outbox.
        #expect(try await work.outbox(runs[0]) == ["running"])
    }

    @Test(arguments: StoreKind.allCases) func aLostLeaseChangesNothing(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run(targets: ["backend", "smoke"])])
        let first = try #require(try await work.claim("w1", at: 0))
        let taken = try #require(try await work.claim("w2", at: 31))
        try await work.store.recordExternalID(stepID: taken.stepID, owner: "w2", externalID: "d-2")
        let store = work.store

        #expect(try await store.renewLease(stepID: first.stepID, owner: "w1", now: WorkFixture.at(32), lease: .seconds(30)) == .lost)
        await #expect(throws: StoreError.conflict("step \(first.stepID) is not leased to w1")) {
            try await store.recordExternalID(stepID: first.stepID, owner: "w1", externalID: "d-1")
        }
        try await work.finish(first, .failed(reason: "late"), owner: "w1", at: 33)
        try await store.retryStepLater(
            stepID: first.stepID, owner: "w1", error: "late", retryAt: WorkFixture.at(40), now: WorkFixture.at(33))

        let step = try await store.run(id: runs[0]).steps[0]
        #expect(step.status == "running")
        #expect(step.externalID == "d-2")
        #expect(step.error == nil)
        #expect(try await work.runStatus(runs[0]) == "running")
        #expect(try await store.renewLease(stepID: first.stepID, owner: "w2", now: WorkFixture.at(34), lease: .seconds(30)) == .held)
    }

    @Test(arguments: StoreKind.allCases) func theOwnerMayRenewAnExpiredLeaseNoOneTook(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        try await work.record([WorkFixture.run()])
        let step = try #require(try await work.claim("w1", at: 0))

        let state = try await work.store.renewLease(stepID: step.stepID, owner: "w1", now: WorkFixture.at(40), lease: .seconds(30))

        #expect(state == .held)
        #expect(try await work.claim("w2", at: 69) == nil)
        #expect(try await work.claim("w2", at: 70)?.stepID == step.stepID)
    }

    @Test(arguments: StoreKind.allCases) func retryStepLaterWaitsForRetryAtAndKeepsTheExternalID(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run(targets: ["backend", "smoke"])])
        let step = try #require(try await work.claim("w1", at: 0))
        try await work.store.recordExternalID(stepID: step.stepID, owner: "w1", externalID: "d-9")

        try await work.store.retryStepLater(
            stepID: step.stepID, owner: "w1", error: "HTTP 503", retryAt: WorkFixture.at(60), now: WorkFixture.at(5))

        let detail = try await work.store.run(id: runs[0])
        #expect(detail.summary.status == "running")
        #expect(detail.steps[0].status == "pending")
        #expect(detail.steps[0].error == "HTTP 503")
        #expect(try await work.claim("w2", at: 59.999) == nil)
        let again = try #require(try await work.claim("w2", at: 60))
        #expect(again.stepID == step.stepID)
        #expect(again.attempt == 2)
        #expect(again.externalID == "d-9")
        #expect(try await work.outbox(runs[0]) == ["running"])
    }

    @Test(arguments: StoreKind.allCases) func releasedLeasesAreClaimableAtOnce(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        try await work.record([
            WorkFixture.run("a", targets: ["t1"]), WorkFixture.run("b", targets: ["t2"]), WorkFixture.run("c", targets: ["t3"]),
        ])
        let held = [try #require(try await work.claim("w1", at: 0)), try #require(try await work.claim("w1", at: 0))]
        let other = try #require(try await work.claim("w2", at: 0))
        try await work.store.recordExternalID(stepID: held[0].stepID, owner: "w1", externalID: "x-1")

        try await work.store.releaseLeases(owner: "w1", now: WorkFixture.at(5))

        let first = try #require(try await work.claim("w3", at: 5))
        let second = try #require(try await work.claim("w3", at: 5))
        #expect([first.stepID, second.stepID] == held.map(\.stepID))
        #expect(first.externalID == "x-1")
        #expect(first.attempt == 2)
        // w2's lease was not w1's to release.
        #expect(try await work.claim("w3", at: 5) == nil)
        #expect(other.target == "t3")
    }

    @Test(arguments: StoreKind.allCases) func queueDepthCountsWaitingSteps(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        try await work.record([WorkFixture.run("a", targets: ["t1", "t2"]), WorkFixture.run("b", targets: ["t3"])])
        #expect(try await work.store.queueDepth() == 3)

        let step = try #require(try await work.claim("w1", at: 0))
        #expect(try await work.store.queueDepth() == 2)
        #expect(try await work.store.queueDepth(now: WorkFixture.at(10)) == 2)
        // Its lease expired: waiting again, for `queueDepth(now:)`.
        #expect(try await work.store.queueDepth(now: WorkFixture.at(30)) == 3)

        try await work.finish(step, .failed(reason: "no"), at: 1)
        #expect(try await work.store.queueDepth() == 1)
    }

    @Test(arguments: StoreKind.allCases) func nothingToClaimInAnEmptyStore(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        #expect(try await work.claim() == nil)
        #expect(try await work.store.queueDepth() == 0)
    }

    @Test(arguments: StoreKind.allCases) func theLogKeepsItsLastLinesWithin64KiB(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run()])
        let step = try #require(try await work.claim())
        for line in 0..<100 {
            let text = "line \(line) " + String(repeating: "x", count: 1000) + "\n"
            try await work.store.appendLog(stepID: step.stepID, text: text)
        }

        let log = try #require(try await work.store.run(id: runs[0]).steps[0].log)
        #expect(log.utf8.count <= 64 * 1024)
        #expect(log.utf8.count > 60 * 1024)
        #expect(log.hasPrefix("line "))
        #expect(log.hasSuffix("line 99 " + String(repeating: "x", count: 1000) + "\n"))
    }

    @Test(arguments: StoreKind.allCases) func theLogIsCutAtACharacterBoundary(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let store = work.store
        let runs = try await work.record([WorkFixture.run()])
        let step = try #require(try await work.claim())
        try await store.appendLog(stepID: step.stepID, text: "start\n")
        // 2-byte characters and one more byte, no newline near the cut: the last 64 KiB begin mid-character.
        try await store.appendLog(stepID: step.stepID, text: String(repeating: "é", count: 40_000) + "z")

        let log = try #require(try await store.run(id: runs[0]).steps[0].log)
        #expect(log.utf8.count == 64 * 1024 - 1)
        #expect(log.dropLast().allSatisfy { $0 == "é" })
        #expect(log.last == "z")
        await #expect(throws: StoreError.notFound("step 999")) { try await store.appendLog(stepID: 999, text: "x") }
    }

    /// A worker's slot records its step's end and takes its next step in one commit: the run's next step, which only
    /// that end made claimable, or another run's.
    @Test(arguments: StoreKind.allCases) func finishingAStepClaimsTheNextInTheSameCall(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run("deploy-a", targets: ["a1", "a2"]), WorkFixture.run("deploy-b", targets: ["a1"])])
        let first = try #require(try await work.claim("w1", at: 0))

        let second = try #require(
            try await work.store.finishStep(
                stepID: first.stepID, owner: "w1", result: .succeeded, log: "done\n", now: WorkFixture.at(1),
                claimingNextFor: WorkFixture.lease))
        #expect(second.runID == runs[0])
        #expect(second.position == 2)
        #expect(second.leaseExpiresAt == WorkFixture.at(31))
        #expect(try await work.stepStatuses(runs[0]) == ["succeeded", "running"])
        #expect(try await work.store.run(id: runs[0]).steps[0].log == "done\n")

        // The last step of run A ends the run; run B's step, on the same target, is free from then on.
        let third = try #require(
            try await work.store.finishStep(
                stepID: second.stepID, owner: "w1", result: .succeeded, log: "", now: WorkFixture.at(2), claimingNextFor: WorkFixture.lease))
        #expect(third.runID == runs[1])
        #expect(try await work.runStatus(runs[0]) == "succeeded")
        // GitLab hears of a run when it starts: run B's start is queued in the commit that ended run A.
        #expect(try await work.outbox(runs[0]) == ["running", "success"])
        #expect(try await work.outbox(runs[1]) == ["running"])

        let none = try await work.store.finishStep(
            stepID: third.stepID, owner: "w1", result: .failed(reason: "exit status 1"), log: "", now: WorkFixture.at(3),
            claimingNextFor: WorkFixture.lease)
        #expect(none == nil)
        #expect(try await work.runStatus(runs[1]) == "failed")
    }

    /// The finish is only its lease holder's; the claim is anyone's, as `claimNextStep` is.
    @Test(arguments: StoreKind.allCases) func aFinishWithoutTheLeaseChangesNothingButStillClaims(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run("deploy-a", targets: ["a"]), WorkFixture.run("deploy-b", targets: ["b"])])
        let first = try #require(try await work.claim("w1", at: 0))

        let claimed = try #require(
            try await work.store.finishStep(
                stepID: first.stepID, owner: "w2", result: .succeeded, log: "", now: WorkFixture.at(1), claimingNextFor: WorkFixture.lease))
        #expect(claimed.runID == runs[1])
        #expect(try await work.stepStatuses(runs[0]) == ["running"])
        #expect(try await work.stepStatuses(runs[1]) == ["running"])
    }
}
