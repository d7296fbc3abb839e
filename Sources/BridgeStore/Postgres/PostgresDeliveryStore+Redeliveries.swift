import BridgeCore
import Foundation
import PostgresNIO

/// The redelivery ledger (`RedeliveryLedger`, schema v8) on PostgreSQL.
extension PostgresDeliveryStore {
    public func recordedKeys(source: String, keys: [String]) async throws(StoreError) -> Set<String> {
        try await reading("look up recorded deliveries") { sql in
            var found: Set<String> = []
            for key in keys where try await sql.row(RedeliverySQL.recorded, RedeliverySQL.keyValues(source, key)) != nil {
                found.insert(key)
            }
            return found
        }
    }

    public func redeliveryCounts(source: String, keys: [String]) async throws(StoreError) -> [String: Int] {
        try await reading("count redeliveries") { sql in
            var counts: [String: Int] = [:]
            for key in keys {
                let count = try await sql.row(RedeliverySQL.count, RedeliverySQL.keyValues(source, key))?.int("count") ?? 0
                if count > 0 { counts[key] = count }
            }
            return counts
        }
    }

    public func recordRedelivery(_ record: RedeliveryRecord) async throws(StoreError) {
        try await reading("record a redelivery") { sql in
            try await sql.execute(RedeliverySQL.insert, record.values)
        }
    }

    public func lastRecoveryPass(source: String) async throws(StoreError) -> Date? {
        try await reading("read the last recovery pass") { sql in
            try await sql.row(RedeliverySQL.lastPass, ["source": SQLValue.text(source)])?.int64("finished_at")
        }.map(StoredTime.date)
    }

    public func recordRecoveryPass(source: String, at: Date) async throws(StoreError) {
        try await reading("record a recovery pass") { sql in
            try await sql.execute(RedeliverySQL.recordPass, ["source": SQLValue.text(source), "finished_at": .integer(StoredTime.milliseconds(at))])
        }
    }
}
