import BridgeCore
import Foundation
import GRDB

/// The redelivery ledger (`RedeliveryLedger`, schema v8) on SQLite.
extension SQLiteDeliveryStore {
    public func recordedKeys(source: String, keys: [String]) async throws(StoreError) -> Set<String> {
        try await reading("look up recorded deliveries") { db in
            try Set(
                keys.filter { key in try Row.fetchOne(db, sql: RedeliverySQL.recorded, arguments: .init(RedeliverySQL.keyValues(source, key))) != nil
                })
        }
    }

    public func redeliveryCounts(source: String, keys: [String]) async throws(StoreError) -> [String: Int] {
        try await reading("count redeliveries") { db in
            var counts: [String: Int] = [:]
            for key in keys {
                let count = try Int.fetchOne(db, sql: RedeliverySQL.count, arguments: .init(RedeliverySQL.keyValues(source, key))) ?? 0
                if count > 0 { counts[key] = count }
            }
            return counts
        }
    }

    public func recordRedelivery(_ record: RedeliveryRecord) async throws(StoreError) {
        try await writing("record a redelivery") { db in
            try db.execute(sql: RedeliverySQL.insert, arguments: .init(record.values))
        }
    }

    public func lastRecoveryPass(source: String) async throws(StoreError) -> Date? {
        try await reading("read the last recovery pass") { db in
            try Int64.fetchOne(db, sql: RedeliverySQL.lastPass, arguments: .init(["source": .text(source)])).map(StoredTime.date)
        }
    }

    public func recordRecoveryPass(source: String, at: Date) async throws(StoreError) {
        try await writing("record a recovery pass") { db in
            try db.execute(
                sql: RedeliverySQL.recordPass, arguments: .init(["source": .text(source), "finished_at": .integer(StoredTime.milliseconds(at))]))
        }
    }
}
