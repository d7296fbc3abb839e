import BridgeCore
import Foundation
import PostgresNIO

/// The status outbox across replicas: rows claimed with `FOR UPDATE SKIP LOCKED` (two senders claiming at once take
/// different rows, neither waits), then held by a claim (`claimed_by`, `claim_expires_at`) as in the SQLite store.
extension PostgresDeliveryStore {
    public func claimStatusUpdates(
        owner: String, now: Date, lease: Duration, limit: Int
    ) async throws(StoreError) -> [PendingStatusUpdate] {
        guard limit > 0 else { return [] }
        let values: SQLValues = [
            "owner": .text(owner), "expiry": .integer(StoredTime.milliseconds(now, plus: lease)),
            "now": .integer(StoredTime.milliseconds(now)), "limit": .int(limit),
        ]
        // As on SQLite: most wakes find nothing due, which a read says without a transaction's round trips.
        let probe: SQLValues = ["owner": .text(owner), "now": .integer(StoredTime.milliseconds(now)), "limit": .int(1)]
        guard try await reading("read due status updates", { sql in try await sql.row(PreparedStatements.ClaimableOutboxRows.self, probe) != nil })
        else { return [] }
        return try await transaction("claim due status updates") { sql in
            try await sql.rows(PreparedStatements.ClaimOutboxRows.self, values)
                .map(Rows.pendingStatusUpdate).sorted { $0.outboxID < $1.outboxID }
        }
    }

    public func statusSent(outboxID: Int64, owner: String, deploymentID: String?, now: Date) async throws(StoreError) {
        let values: SQLValues = ["now": .integer(StoredTime.milliseconds(now)), "id": .integer(outboxID), "owner": .text(owner)]
        try await transaction("record a sent status update") { sql in
            guard let row = try await sql.row(StoreSQL.outboxSent, values) else {
                try await Self.requireOutboxRow(outboxID, sql)
                return
            }
            if let deploymentID {
                try await sql.execute(StoreSQL.setForgeDeployment, ["deployment": .text(deploymentID), "id": .integer(try row.int64("run_id"))])
            }
            try await PostgresWorkChannel.notify(sql)
        }
    }

    public func statusFailed(
        outboxID: Int64, owner: String, error: String, retryAt: Date?, attempted: Bool, now: Date
    ) async throws(StoreError) {
        let values: SQLValues = [
            "error": .text(error), "retry_at": .integer(retryAt.map(StoredTime.milliseconds)),
            "now": .integer(StoredTime.milliseconds(now)), "id": .integer(outboxID), "owner": .text(owner),
            "attempted": .integer(attempted ? 1 : 0),
        ]
        try await transaction("record a failed status update") { sql in
            guard let row = try await sql.row(StoreSQL.outboxFailed, values) else {
                try await Self.requireOutboxRow(outboxID, sql)
                return
            }
            // Giving up a row that would have created the run's deployment forgets it: the rows after it create their own.
            if retryAt == nil,
                StatusOutboxPolicy.givingUpForgetsDeployment(
                    try row.value(ForgeDeploymentStatus.self, "target_status"), reporter: try row.string("reporter"))
            {
                try await sql.execute(StoreSQL.setForgeDeployment, ["deployment": .text(nil), "id": .integer(try row.int64("run_id"))])
            }
        }
    }

    private static func requireOutboxRow(_ id: Int64, _ sql: PostgresSQL) async throws {
        guard try await sql.row(StoreSQL.outboxRowExists, ["id": .integer(id)]) != nil else {
            throw StoreError.notFound("status update \(id)")
        }
    }
}
