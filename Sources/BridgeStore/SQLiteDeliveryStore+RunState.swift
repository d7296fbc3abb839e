import BridgeCore
import GRDB

/// Run status changes shared by the worker's calls and the run commands, each inside the caller's transaction.
///
/// Run statuses: `queued` → `running` → `succeeded` | `failed` | `canceled`; `queued` → `canceled` |
/// `superseded`; a retry moves `failed` | `canceled` | `superseded` back to `queued`.
extension SQLiteDeliveryStore {
    /// How a started run ended.
    enum RunEnding: String {
        case succeeded
        case failed
        case canceled

        var forgeStatus: ForgeDeploymentStatus {
            switch self {
            case .succeeded: .success
            case .failed: .failed
            case .canceled: .canceled
            }
        }
    }

    /// Ends a started run: its pending steps are skipped (or canceled, when they were tried and are waiting for a
    /// retry), and the forge is told when it saw the run start.
    static func endRun(_ runID: Int64, _ ending: RunEnding, now: Int64, in db: Database) throws {
        try db.execute(
            sql: """
                UPDATE steps SET status = CASE WHEN attempts > 0 THEN 'canceled' ELSE 'skipped' END,
                    next_attempt_at = NULL, updated_at = ?
                WHERE run_id = ? AND status = 'pending'
                """,
            arguments: [now, runID])
        try db.execute(
            sql: "UPDATE runs SET status = ?, finished_at = ?, updated_at = ? WHERE id = ?",
            arguments: [ending.rawValue, now, now, runID])
        try enqueueStatus(ending.forgeStatus, runID: runID, now: now, in: db)
    }

    /// Cancels a running run whose cancel was requested, once no worker has anything of it to stop.
    ///
    /// A step `running` belongs to a worker, which sees the request when it renews its lease. A `pending` step
    /// with an external id has a deployment in flight at the provider (it was given back after a retryable
    /// error while being polled): a worker still claims it, to cancel that deployment. Otherwise nothing runs
    /// for the run, so it ends here.
    static func settleCancelRequest(_ runID: Int64, now: Int64, in db: Database) throws {
        let waiting = try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT r.status = 'running' AND r.cancel_requested = 1 AND NOT EXISTS (
                        SELECT 1 FROM steps s WHERE s.run_id = r.id
                          AND (s.status = 'running' OR (s.status = 'pending' AND s.external_id IS NOT NULL)))
                    FROM runs r WHERE r.id = ?
                    """),
            arguments: [runID])
        if waiting == true {
            try endRun(runID, .canceled, now: now, in: db)
        }
    }

    /// The run's summary, read in the caller's transaction.
    static func runSummary(_ runID: Int64, in db: Database) throws -> RunSummary {
        let sql = "SELECT \(Rows.runColumns) FROM runs r WHERE r.id = ?"
        guard let row = try Row.fetchOne(db.cachedStatement(sql: sql), arguments: [runID]) else {
            throw StoreError.notFound("run \(runID)")
        }
        return try Rows.runSummary(row)
    }
}
