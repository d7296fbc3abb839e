import BridgeCore
import Foundation
import GRDB

/// The durable status outbox (DESIGN §4, §5).
///
/// Rows are enqueued in the transaction that changes a run's status (see `enqueueStatus`), and claimed by one sender
/// at a time (`claimed_by`, `claim_expires_at`, v5), so several processes on one file never send the same row.
///
/// The payload column holds the JSON of the `StatusUpdate` without its `deploymentID`, written from the run
/// when the row is enqueued. The deployment id is added when the row is read: nil for `running` (which always
/// creates a new GitLab deployment: GitLab moves only created → running), else the run's `forge_deployment_id`,
/// which the previous row's `statusSent` recorded. So is `requestedAt`, the row's `created_at`: a reporter whose
/// create answer was lost finds the deployment it created since then instead of creating another.
extension SQLiteDeliveryStore {
    public func claimStatusUpdates(
        owner: String, now: Date, lease: Duration, limit: Int
    ) async throws(StoreError) -> [PendingStatusUpdate] {
        guard limit > 0 else { return [] }
        let expiry = StoredTime.milliseconds(now, plus: lease)
        let now = StoredTime.milliseconds(now)
        return try await writing("claim due status updates") { db in
            // Each run's oldest pending row, if due and not claimed: a later row never overtakes an earlier one of its run.
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        UPDATE status_outbox SET claimed_by = ?, claim_expires_at = ?
                        WHERE id IN (
                            SELECT o.id FROM status_outbox o
                            WHERE o.sent_at IS NULL AND o.abandoned_at IS NULL
                              AND o.id = (SELECT MIN(p.id) FROM status_outbox p
                                          WHERE p.run_id = o.run_id AND p.sent_at IS NULL AND p.abandoned_at IS NULL)
                              AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?)
                              AND (o.claim_expires_at IS NULL OR o.claim_expires_at <= ?)
                            ORDER BY o.id
                            LIMIT ?)
                        RETURNING \(Rows.pendingStatusColumns),
                            (SELECT r.forge_deployment_id FROM runs r WHERE r.id = status_outbox.run_id) AS forge_deployment_id
                        """),
                arguments: [owner, expiry, now, now, limit])
            return try rows.map(Rows.pendingStatusUpdate).sorted { $0.outboxID < $1.outboxID }
        }
    }

    public func statusSent(outboxID: Int64, owner: String, deploymentID: String, now: Date) async throws(StoreError) {
        let now = StoredTime.milliseconds(now)
        try await writing("record a sent status update") { db in
            let runID = try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        UPDATE status_outbox SET sent_at = ?, attempts = attempts + 1, claimed_by = NULL, claim_expires_at = NULL
                        WHERE id = ? AND sent_at IS NULL AND claimed_by = ?
                        RETURNING run_id
                        """),
                arguments: [now, outboxID, owner])
            guard let runID else {
                // Sent already (a repeated call changes nothing), claimed by another sender since, or no such row.
                try Self.requireOutboxRow(outboxID, in: db)
                return
            }
            try db.execute(sql: "UPDATE runs SET forge_deployment_id = ? WHERE id = ?", arguments: [deploymentID, runID])
        }
    }

    /// With `retryAt`, the row waits until then; with nil it is given up: `abandoned_at` is set, `sent_at` stays
    /// NULL and `last_error` says why, and the run's next row becomes due. Giving up a `running` row also forgets
    /// the run's deployment id, so the terminal row after it creates a deployment of its own rather than
    /// updating an earlier attempt's.
    public func statusFailed(outboxID: Int64, owner: String, error: String, retryAt: Date?, now: Date) async throws(StoreError) {
        let now = StoredTime.milliseconds(now)
        let retryAt = retryAt.map(StoredTime.milliseconds)
        try await writing("record a failed status update") { db in
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        UPDATE status_outbox
                        SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
                            abandoned_at = CASE WHEN ? IS NULL THEN ? END, claimed_by = NULL, claim_expires_at = NULL
                        WHERE id = ? AND sent_at IS NULL AND abandoned_at IS NULL AND claimed_by = ?
                        RETURNING run_id, target_status
                        """),
                arguments: [error, retryAt, retryAt, now, outboxID, owner])
            guard let row else {
                try Self.requireOutboxRow(outboxID, in: db)
                return
            }
            let status = try row.decode(String.self, forColumn: "target_status")
            if retryAt == nil, status == ForgeDeploymentStatus.running.rawValue {
                let runID = try row.decode(Int64.self, forColumn: "run_id")
                try db.execute(sql: "UPDATE runs SET forge_deployment_id = NULL WHERE id = ?", arguments: [runID])
            }
        }
    }

    private static func requireOutboxRow(_ id: Int64, in db: Database) throws {
        guard try Int64.fetchOne(db, sql: "SELECT id FROM status_outbox WHERE id = ?", arguments: [id]) != nil else {
            throw StoreError.notFound("status update \(id)")
        }
    }
}

extension SQLiteDeliveryStore {
    /// Appends `status` to the run's outbox (`StatusOutboxPolicy` allowed it) and remembers it as the run's reported
    /// status.
    static func enqueueStatus(_ status: ForgeDeploymentStatus, runID: Int64, now: Int64, in db: Database) throws {
        let statement = try db.cachedStatement(sql: "SELECT \(Rows.statusUpdateColumns) FROM runs WHERE id = ?")
        guard let run = try Row.fetchOne(statement, arguments: [runID]) else {
            throw StoreError.notFound("run \(runID)")
        }
        guard let (reporter, update) = try Rows.statusUpdate(runID: runID, run, status: status) else { return }
        try db.execute(
            sql: """
                INSERT INTO status_outbox (run_id, reporter, target_status, payload, created_at) VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [runID, reporter, status.rawValue, try StoredJSON.statusPayload(update), now])
        try db.execute(sql: "UPDATE runs SET reported_status = ? WHERE id = ?", arguments: [status.rawValue, runID])
    }
}
