import BridgeCore
import GRDB

/// Reading a run's `RunState` and persisting `RunLifecycle`'s decisions, inside the caller's transaction: the store
/// decides nothing about statuses itself.
extension SQLiteDeliveryStore {
    /// The run as `RunLifecycle` needs it.
    static func runState(_ runID: Int64, in db: Database) throws -> RunState {
        let run = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT status, cancel_requested, forge, environment, reported_status FROM runs WHERE id = ?"),
            arguments: [runID])
        guard let run else { throw StoreError.notFound("run \(runID)") }
        let steps = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT id, status, attempts, external_id IS NOT NULL AS in_flight FROM steps WHERE run_id = ? ORDER BY position"),
            arguments: [runID])
        return try Rows.runState(id: runID, run, steps: steps)
    }

    /// Reads the run's state, asks `decide`, and persists its answer.
    @discardableResult
    static func changeRun(
        _ runID: Int64, now: Int64, in db: Database, _ decide: (RunState) throws(StoreError) -> RunChange
    ) throws -> RunChange {
        let change = try decide(try runState(runID, in: db))
        try apply(change, to: runID, now: now, in: db)
        return change
    }

    /// Persists `change`; `updated_at` is set even when nothing else changes.
    static func apply(_ change: RunChange, to runID: Int64, now: Int64, in db: Database) throws {
        let setStep = try db.cachedStatement(
            sql: "UPDATE steps SET status = ?, next_attempt_at = NULL, updated_at = ? WHERE id = ?")
        let resetStep = try db.cachedStatement(
            sql: """
                UPDATE steps SET status = ?, attempts = 0, error = NULL, external_id = NULL, lease_owner = NULL,
                    lease_expires_at = NULL, next_attempt_at = NULL, \(forgetProcess), started_at = NULL, finished_at = NULL,
                    updated_at = ?
                WHERE id = ?
                """)
        for step in change.steps {
            try (step.reset ? resetStep : setStep).execute(arguments: [step.status.rawValue, now, step.id])
        }
        let times =
            switch change.times {
            case .unchanged: ""
            case .started: ", started_at = :now"
            case .finished: ", finished_at = :now"
            case .retried: ", retried_at = :now, started_at = NULL, finished_at = NULL"
            }
        try db.execute(
            sql: """
                UPDATE runs SET status = COALESCE(:status, status), cancel_requested = COALESCE(:cancel, cancel_requested),
                    updated_at = :now\(times)
                WHERE id = :id
                """,
            arguments: ["status": change.status?.rawValue, "cancel": change.cancelRequested, "now": now, "id": runID])
        if let report = change.report {
            try enqueueStatus(report, runID: runID, now: now, in: db)
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
