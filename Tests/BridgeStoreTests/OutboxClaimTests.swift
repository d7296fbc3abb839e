import BridgeCore
import BridgeStore
import Foundation
import Testing

/// Claims on outbox rows: one sender at a time per row, whichever process it runs in.
@Suite("Status outbox claims")
struct OutboxClaimTests {
    static let lease = Duration.seconds(120)

    /// Two finished runs, each with its `running` row due and its `success` row behind it.
    private func twoRunsRunning(_ work: WorkFixture) async throws -> [Int64] {
        let runs = try await work.record([WorkFixture.run("a"), WorkFixture.run("b")])
        for (index, owner) in ["w1", "w2"].enumerated() {
            let step = try #require(try await work.claim(owner, at: Double(index)))
            try await work.finish(step, owner: owner, at: 2)
        }
        return runs
    }

    @Test(arguments: StoreKind.allCases) func aClaimedRowIsNotHandedToAnotherSenderUntilItsClaimExpires(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await twoRunsRunning(work)
        let store = work.store

        let first = try await store.claimStatusUpdates(owner: "A", now: WorkFixture.at(3), lease: Self.lease, limit: 1)
        #expect(first.map(\.update.runID) == [runs[0]])
        #expect(first.first?.claimExpiresAt == WorkFixture.at(123))
        // B gets the other run's row, and never A's while A's claim lasts.
        let second = try await store.claimStatusUpdates(owner: "B", now: WorkFixture.at(3), lease: Self.lease, limit: 10)
        #expect(second.map(\.update.runID) == [runs[1]])
        let heldByA = try #require(first.first).outboxID
        #expect(try await !store.claimStatusUpdates(owner: "B", now: WorkFixture.at(122.999), lease: Self.lease, limit: 10).contains { $0.outboxID == heldByA })
        // A takes its own claim again (a send whose outcome it could not record), extending it.
        let again = try await store.claimStatusUpdates(owner: "A", now: WorkFixture.at(10), lease: Self.lease, limit: 10)
        #expect(again.map(\.outboxID) == first.map(\.outboxID))
        #expect(again.first?.claimExpiresAt == WorkFixture.at(130))
        #expect(try await !store.claimStatusUpdates(owner: "B", now: WorkFixture.at(129.999), lease: Self.lease, limit: 10).contains { $0.outboxID == heldByA })
        // A's claim expired: B may take the row.
        let taken = try await store.claimStatusUpdates(owner: "B", now: WorkFixture.at(130), lease: Self.lease, limit: 10)
        #expect(taken.map(\.outboxID).contains(try #require(first.first).outboxID))
    }

    @Test(arguments: StoreKind.allCases) func onlyTheHolderRecordsTheOutcome(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await twoRunsRunning(work)
        let store = work.store
        let row = try #require(try await store.claimStatusUpdates(owner: "A", now: WorkFixture.at(3), lease: Self.lease, limit: 1).first)
        #expect(row.update.runID == runs[0])

        // A's claim expired and B took the row: A's late outcome changes nothing, B's counts.
        _ = try await store.claimStatusUpdates(owner: "B", now: WorkFixture.at(200), lease: Self.lease, limit: 1)
        try await store.statusSent(outboxID: row.outboxID, owner: "A", deploymentID: "from-A", now: WorkFixture.at(201))
        try await store.statusFailed(outboxID: row.outboxID, owner: "A", error: "late", retryAt: nil, now: WorkFixture.at(201))
        let others = try await store.claimStatusUpdates(owner: "C", now: WorkFixture.at(202), lease: Self.lease, limit: 10)
        #expect(others.map(\.update.runID) == [runs[1]])
        try await store.statusSent(outboxID: row.outboxID, owner: "B", deploymentID: "from-B", now: WorkFixture.at(203))

        // The run's next row (success) carries B's deployment.
        let next = try await store.claimStatusUpdates(owner: "C", now: WorkFixture.at(206), lease: Self.lease, limit: 10)
        #expect(next.first { $0.update.runID == runs[0] }?.update.deploymentID == "from-B")
    }

    @Test(arguments: StoreKind.allCases) func aHolderWhoseClaimExpiredUntakenStillRecordsItsSend(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        _ = try await twoRunsRunning(work)
        let store = work.store
        let row = try #require(try await store.claimStatusUpdates(owner: "A", now: WorkFixture.at(3), lease: Self.lease, limit: 1).first)
        try await store.statusSent(outboxID: row.outboxID, owner: "A", deploymentID: "9", now: WorkFixture.at(500))
        let rest = try await store.claimStatusUpdates(owner: "B", now: WorkFixture.at(501), lease: Self.lease, limit: 10)
        #expect(!rest.contains { $0.outboxID == row.outboxID })
    }
}
