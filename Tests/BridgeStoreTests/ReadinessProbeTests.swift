import BridgeCore
import Foundation
import GRDB
import Testing

@testable import BridgeStore

/// The store's readiness: a real write, answered from recent deliveries when there are some, and leaving no trace.
@Suite("Readiness probe")
struct ReadinessProbeTests {
    @Test func theProbeLeavesNoRowAndDoesNotAdvanceDeliveryIDs() async throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(in: directory)
        #expect(try await store.record(Fixtures.delivery(key: "d-1")).deliveryID == 1)
        try await store.pool.write { db in try SQLiteDeliveryStore.probeDeliveryWrite(db) }
        try await store.pool.write { db in try SQLiteDeliveryStore.probeDeliveryWrite(db) }
        #expect(try await store.record(Fixtures.delivery(key: "d-2", runs: [Fixtures.run("r", sha: Fixtures.shaB)])).deliveryID == 2)
        #expect(try Fixtures.count("deliveries", in: directory) == 2)
    }

    @Test func aFullDatabaseIsNotReadyUntilSpaceReturns() async throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(in: directory)
        _ = try await store.record(Fixtures.delivery())
        try await store.checkReady()
        try await store.pool.writeWithoutTransaction { db in
            // No free page left for the probe to reuse: a probe that ran already (when the check above found no recent
            // write, as on a loaded machine) freed the pages of its deleted row.
            try db.execute(sql: "VACUUM")
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        // The probe itself finds the full database, with no delivery having failed first.
        try await Task.sleep(for: store.health.freshness)
        await #expect(throws: StoreError.self) { try await store.checkReady() }
        try await store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
        try await Task.sleep(for: store.health.freshness)
        try await store.checkReady()
    }
}
