import BridgeCore
import BridgeStore
import Foundation
import Testing

@Suite("Queries")
struct QueryTests {
    /// Three deliveries: two queued from shop-github (one with two runs), one ignored from shop-gitlab.
    private func seeded(_ tested: TestStore) async throws -> (any DeliveryStore & WorkQueue, [RecordOutcome]) {
        let store = tested.store
        let outcomes = [
            try await store.record(Fixtures.delivery(key: "1", runs: [Fixtures.run("a"), Fixtures.run("b")])),
            try await store.record(Fixtures.delivery(key: "2", source: "shop-gitlab", runs: [], disposition: .ignored)),
            try await store.record(Fixtures.delivery(key: "3", runs: [Fixtures.run("a", sha: Fixtures.shaB)])),
        ]
        return (store, outcomes)
    }

    @Test(arguments: StoreKind.allCases) func deliveriesAreNewestFirstWithRunCounts(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let (store, outcomes) = try await seeded(tested)

        let all = try await store.deliveries(limit: 10, source: nil)

        #expect(all.map(\.id) == outcomes.reversed().map(\.deliveryID))
        #expect(all.map(\.key) == ["3", "2", "1"])
        #expect(all.map(\.runCount) == [1, 0, 2])
        #expect(all.map(\.status) == ["queued", "ignored", "queued"])
        #expect(try await store.deliveries(limit: 2, source: nil).map(\.key) == ["3", "2"])
        #expect(try await store.deliveries(limit: 10, source: "shop-github").map(\.key) == ["3", "1"])
        #expect(try await store.deliveries(limit: 10, source: "nobody").isEmpty)
        #expect(try await store.deliveries(limit: 0, source: nil).isEmpty)
        #expect(try await store.deliveries(limit: -1, source: nil).isEmpty)
    }

    /// `deliveries list` shows what became of a delivery's runs, not the `queued` it was recorded as.
    @Test(arguments: StoreKind.allCases) func deliveriesCountTheirRunsByStatusNow(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let (store, outcomes) = try await seeded(tested)
        _ = try await store.cancelRun(id: outcomes[0].runs[1].id, now: Date())

        let all = try await store.deliveries(limit: 10, source: nil)

        #expect(all.map(\.runStatuses) == [["queued": 1], [:], ["queued": 1, "canceled": 1]])
        #expect(try await store.delivery(id: outcomes[0].deliveryID).summary.runStatuses == ["queued": 1, "canceled": 1])
    }

    @Test(arguments: StoreKind.allCases) func deliveryHasItsRuns(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let (store, outcomes) = try await seeded(tested)

        let detail = try await store.delivery(id: outcomes[0].deliveryID)

        #expect(detail.summary.key == "1")
        #expect(detail.runs.map(\.id) == outcomes[0].runs.map(\.id))
        #expect(detail.runs.map(\.rule) == ["a", "b"])
        #expect(detail.runs.allSatisfy { $0.deliveryID == outcomes[0].deliveryID })
    }

    @Test(arguments: StoreKind.allCases) func runsAreNewestFirstAndFilterByStatus(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let (store, outcomes) = try await seeded(tested)
        let ids = outcomes.flatMap(\.runs).map(\.id)

        #expect(try await store.runs(limit: 10, status: nil).map(\.id) == ids.reversed())
        #expect(try await store.runs(limit: 1, status: nil).map(\.id) == [ids[2]])
        #expect(try await store.runs(limit: 10, status: "queued").count == 3)
        #expect(try await store.runs(limit: 10, status: "running").isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func missingRecordsAreNotFound(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let store = tested.store
        await #expect(throws: StoreError.notFound("delivery 99")) { try await store.delivery(id: 99) }
        await #expect(throws: StoreError.notFound("run 99")) { try await store.run(id: 99) }
    }
}
