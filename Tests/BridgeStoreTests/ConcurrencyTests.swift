import BridgeCore
import BridgeStore
import Foundation
import Testing

@Suite("Concurrent deliveries")
struct ConcurrencyTests {
    private func recordConcurrently(
        _ deliveries: [NewDelivery], into stores: [any DeliveryStore & WorkQueue]
    ) async throws -> [RecordOutcome] {
        try await withThrowingTaskGroup(of: RecordOutcome.self) { group in
            for (index, delivery) in deliveries.enumerated() {
                let store = stores[index % stores.count]
                group.addTask { try await store.record(delivery) }
            }
            return try await group.reduce(into: [RecordOutcome]()) { $0.append($1) }
        }
    }

    @Test(arguments: StoreKind.allCases) func manyDistinctDeliveriesSharingCommitsEachGetTheirOwnOutcome(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let store = tested.store
        // 300 deliveries at once: more than one group commit's worth, each a different push.
        let deliveries = (0..<300).map { index in
            Fixtures.delivery(key: "k-\(index)", runs: [Fixtures.run("main-to-staging", sha: String(format: "%040x", index))])
        }

        let outcomes = try await recordConcurrently(deliveries, into: [store])

        #expect(outcomes.allSatisfy { $0.kind == .queued && $0.runs.count == 1 })
        #expect(Set(outcomes.map(\.deliveryID)).count == 300)
        #expect(Set(outcomes.flatMap(\.runs).map(\.id)).count == 300)
        #expect(try await tested.count("deliveries") == 300)
        #expect(try await tested.count("steps") == 900)
        // Each outcome names the run created for its own delivery.
        for outcome in outcomes {
            let detail = try await store.delivery(id: outcome.deliveryID)
            #expect(detail.runs.map(\.id) == outcome.runs.map(\.id))
        }
    }

    @Test(arguments: StoreKind.allCases) func fiftyCopiesOfOneDeliveryRecordItOnce(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let store = tested.store
        let delivery = Fixtures.delivery(key: "same", runs: [Fixtures.run("main-to-staging"), Fixtures.run("main-to-smoke")])

        let outcomes = try await recordConcurrently(Array(repeating: delivery, count: 50), into: [store])

        let queued = outcomes.filter { $0.kind == .queued }
        #expect(queued.count == 1)
        #expect(outcomes.filter { $0.kind == .duplicateDelivery }.count == 49)
        #expect(Set(outcomes.map(\.deliveryID)).count == 1)
        #expect(outcomes.allSatisfy { $0.runs == queued.first?.runs })
        #expect(try await tested.count("deliveries") == 1)
        #expect(try await tested.count("runs") == 2)
        #expect(try await tested.count("steps") == 6)
        #expect(try await store.deliveries(limit: 5, source: nil).first?.duplicates == 49)
    }

    @Test(arguments: StoreKind.allCases) func fiftyDeliveriesOfOnePushCreateOneSetOfRuns(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let store = tested.store
        let planned = [Fixtures.run("main-to-staging"), Fixtures.run("main-to-smoke")]
        let deliveries = (0..<50).map { Fixtures.delivery(key: "key-\($0)", runs: planned) }

        let outcomes = try await recordConcurrently(deliveries, into: [store])

        let queued = try #require(outcomes.first { $0.kind == .queued })
        #expect(outcomes.filter { $0.kind == .queued }.count == 1)
        #expect(outcomes.filter { $0.kind == .duplicatePush }.count == 49)
        #expect(outcomes.filter { $0.kind == .duplicatePush }.allSatisfy { $0.runs == queued.runs })
        #expect(try await tested.count("deliveries") == 50)
        #expect(try await tested.count("runs") == 2)
        #expect(try await tested.count("steps") == 6)
        let statuses = try await store.deliveries(limit: 100, source: nil).map(\.status)
        #expect(statuses.filter { $0 == "duplicate" }.count == 49)
    }

    /// Two pools on one file, as two processes would have: the UNIQUE constraints still decide, not a pool's
    /// single writer.
    @Test(arguments: StoreKind.allCases) func twoStoresOnOneFileRecordADeliveryOnce(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let stores = [tested.store, try await tested.another()]
        let delivery = Fixtures.delivery(key: "shared")

        let outcomes = try await recordConcurrently(Array(repeating: delivery, count: 40), into: stores)

        #expect(outcomes.filter { $0.kind == .queued }.count == 1)
        #expect(outcomes.filter { $0.kind == .duplicateDelivery }.count == 39)
        #expect(try await tested.count("deliveries") == 1)
        #expect(try await tested.count("runs") == 1)
        #expect(try await tested.count("steps") == 3)
    }
}
