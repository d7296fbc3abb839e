import Foundation
import GRDB
import Testing

@testable import BridgeStore

/// The plans of a claim's statements on SQLite: they read index ranges and probes, never a whole table, so a claim costs
/// the same however many runs are finished, and the supersede check reads only the runs newer than the one it asks about.
@Suite("Claim plans")
struct ClaimPlanTests {
    @Test func everyStatementOfAClaimReadsAnIndexRange() async throws {
        let directory = try TemporaryDirectory()
        _ = try Fixtures.store(in: directory)
        let queue = try DatabaseQueue(path: directory.path("bridge.sqlite"))
        func plan(_ statement: String, _ arguments: StatementArguments = ["now": 0]) async throws -> [String] {
            try await queue.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement, arguments: arguments).map { $0["detail"] as String? ?? "" }
            }
        }

        // Only the running steps are read and sorted: at most one per worker slot.
        let expired = try await plan(StoreSQL.expiredCandidate)
        #expect(expired.contains("SEARCH s USING INDEX steps_runnable (status=?)"), "\(expired)")
        #expect(!expired.contains { $0.hasPrefix("SCAN") }, "\(expired)")
        // The pending steps are walked in claim order on their partial index, which stops at the first match; nothing
        // is sorted, and each step's run is probed for a newer run by an id range.
        let pending = try await plan(SQLiteDeliveryStore.pendingCandidate)
        #expect(pending.filter { $0.hasPrefix("SCAN") } == ["SCAN s USING INDEX steps_pending_by_run"], "\(pending)")
        #expect(!pending.contains { $0.contains("TEMP B-TREE") }, "\(pending)")
        #expect(pending.contains("SEARCH newer USING INDEX runs_by_rule_environment_id (rule=? AND environment=? AND id>?)"), "\(pending)")
        // A claim that meets a superseded run reads its rule's and environment's runs from that run on, not the older ones.
        for environmentIsNull in [false, true] {
            let superseded = try await plan(
                StoreSQL.supersededRuns(environmentIsNull: environmentIsNull),
                ["rule": "main", "environment": environmentIsNull ? nil : "staging", "from": 1, "limit": 256])
            #expect(superseded.contains("SEARCH r USING INDEX runs_by_rule_environment_id (rule=? AND environment=? AND id>?)"), "\(superseded)")
            #expect(!superseded.contains { $0.hasPrefix("SCAN") || $0.contains("TEMP B-TREE") }, "\(superseded)")
        }
    }
}
