import BridgeCore
import PostgresNIO

/// A statement PostgreSQL parses and plans once on each connection, then only binds and runs (a named prepared
/// statement; PostgresNIO prepares it on a connection the first time it runs there). Statements run for every delivery
/// and every claim are prepared: an unnamed statement is parsed, analysed and planned again at every call, and the
/// claim's candidate query alone took 3-5 ms to plan, several times what it takes to run.
///
/// Each statement is a type (PostgresNIO names a prepared statement by its type): an enum in `PreparedStatements`.
protocol PreparedStoreSQL: Sendable {
    static var prepared: PreparedSQL { get }
}

/// A prepared statement's name on the server and its text (`StoreSQL`'s, `:name` parameters rewritten once).
struct PreparedSQL: Sendable {
    let name: String
    let positional: PositionalSQL

    init(_ name: String, _ sql: String) {
        self.name = "gitops_bridge_\(name)"
        self.positional = PositionalSQL(sql)
    }
}

/// `Statement` with the values to bind, as PostgresNIO runs a prepared statement. The parameters' types are left for
/// the server to infer from the statement, as for an unnamed one.
struct PreparedStoreStatement<Statement: PreparedStoreSQL>: PostgresPreparedStatement {
    typealias Row = PostgresRandomAccessRow

    static var name: String { Statement.prepared.name }
    static var sql: String { Statement.prepared.positional.text }

    let values: [String: PostgresValue]

    func makeBindings() throws -> PostgresBindings {
        try Statement.prepared.positional.bindings(values)
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRandomAccessRow {
        row.makeRandomAccess()
    }
}

/// The prepared statements (`PreparedStoreSQL`): what a delivery records, and what a claim, a held step and its end
/// run. The rest (listings, the admin API, `migrate`, redeliveries) stays unnamed: each runs rarely.
enum PreparedStatements {
    // Recording (`PostgresDeliveryStore.record`)
    enum InsertDelivery: PreparedStoreSQL { static let prepared = PreparedSQL("insert_delivery", StoreSQL.insertDelivery) }
    enum InsertRun: PreparedStoreSQL { static let prepared = PreparedSQL("insert_run", StoreSQL.insertRun) }
    enum InsertStep: PreparedStoreSQL { static let prepared = PreparedSQL("insert_step", StoreSQL.insertStep) }
    enum InsertOutbox: PreparedStoreSQL { static let prepared = PreparedSQL("insert_outbox", StoreSQL.insertOutbox) }
    enum SetDeliveryStatus: PreparedStoreSQL { static let prepared = PreparedSQL("set_delivery_status", StoreSQL.setDeliveryStatus) }

    // Claims
    enum ClaimLock: PreparedStoreSQL { static let prepared = PreparedSQL("claim_lock", "SELECT pg_advisory_xact_lock(:key)") }
    enum ExpiredCandidate: PreparedStoreSQL { static let prepared = PreparedSQL("expired_candidate", StoreSQL.expiredCandidate) }
    enum PendingCandidate: PreparedStoreSQL {
        static let prepared = PreparedSQL("pending_candidate", StoreSQL.pendingCandidate(join: "steps s JOIN runs r ON r.id = s.run_id"))
    }
    enum StillClaimable: PreparedStoreSQL {
        static let prepared = PreparedSQL(
            "still_claimable", "SELECT s.id FROM steps s JOIN runs r ON r.id = s.run_id WHERE s.id = :id AND \(StoreSQL.claimable)")
    }
    enum ClaimStep: PreparedStoreSQL { static let prepared = PreparedSQL("claim_step", StoreSQL.claimStep) }
    enum ClaimedStep: PreparedStoreSQL { static let prepared = PreparedSQL("claimed_step", StoreSQL.claimedStep) }

    // Runs (`RunLifecycle`'s decisions)
    enum LockedRun: PreparedStoreSQL { static let prepared = PreparedSQL("locked_run", StoreSQL.runStateRun + " FOR UPDATE") }
    enum RunStateSteps: PreparedStoreSQL { static let prepared = PreparedSQL("run_state_steps", StoreSQL.runStateSteps) }
    enum LockRunOfStep: PreparedStoreSQL {
        static let prepared = PreparedSQL(
            "lock_run_of_step", "SELECT id FROM runs WHERE id = (SELECT run_id FROM steps WHERE id = :id) FOR UPDATE")
    }
    enum SetStepStatus: PreparedStoreSQL { static let prepared = PreparedSQL("set_step_status", StoreSQL.setStepStatus) }
    enum ResetStep: PreparedStoreSQL { static let prepared = PreparedSQL("reset_step", StoreSQL.resetStep) }
    enum UpdateRunKeepingTimes: PreparedStoreSQL { static let prepared = PreparedSQL("update_run", StoreSQL.updateRun(.unchanged)) }
    enum UpdateRunStarted: PreparedStoreSQL { static let prepared = PreparedSQL("update_run_started", StoreSQL.updateRun(.started)) }
    enum UpdateRunFinished: PreparedStoreSQL { static let prepared = PreparedSQL("update_run_finished", StoreSQL.updateRun(.finished)) }
    enum UpdateRunRetried: PreparedStoreSQL { static let prepared = PreparedSQL("update_run_retried", StoreSQL.updateRun(.retried)) }
    enum StatusUpdateRun: PreparedStoreSQL { static let prepared = PreparedSQL("status_update_run", StoreSQL.statusUpdateRun) }
    enum SetReported: PreparedStoreSQL { static let prepared = PreparedSQL("set_reported", StoreSQL.setReported) }

    // Runs changed together (`RunChangeBatch`)
    enum SupersededRunsOfEnvironment: PreparedStoreSQL {
        static let prepared = PreparedSQL("superseded_runs", StoreSQL.supersededRuns(environmentIsNull: false))
    }
    enum SupersededRunsWithoutEnvironment: PreparedStoreSQL {
        static let prepared = PreparedSQL("superseded_runs_without_environment", StoreSQL.supersededRuns(environmentIsNull: true))
    }
    enum LockedRuns: PreparedStoreSQL { static let prepared = PreparedSQL("locked_runs", StoreSQL.runStateRuns(.postgres, suffix: " FOR UPDATE")) }
    enum RunStateStepsOfRuns: PreparedStoreSQL {
        static let prepared = PreparedSQL("run_state_steps_of_runs", StoreSQL.runStateStepsOfRuns(.postgres))
    }
    enum SetStepsStatus: PreparedStoreSQL { static let prepared = PreparedSQL("set_steps_status", StoreSQL.setStepsStatus(.postgres)) }
    enum UpdateRunsKeepingTimes: PreparedStoreSQL { static let prepared = PreparedSQL("update_runs", StoreSQL.updateRuns(.unchanged, .postgres)) }
    enum UpdateRunsStarted: PreparedStoreSQL { static let prepared = PreparedSQL("update_runs_started", StoreSQL.updateRuns(.started, .postgres)) }
    enum UpdateRunsFinished: PreparedStoreSQL { static let prepared = PreparedSQL("update_runs_finished", StoreSQL.updateRuns(.finished, .postgres)) }
    enum UpdateRunsRetried: PreparedStoreSQL { static let prepared = PreparedSQL("update_runs_retried", StoreSQL.updateRuns(.retried, .postgres)) }

    /// `StoreSQL.updateRuns(times, .postgres)`.
    static func updateRuns(_ times: RunChange.Times) -> any PreparedStoreSQL.Type {
        switch times {
        case .unchanged: UpdateRunsKeepingTimes.self
        case .started: UpdateRunsStarted.self
        case .finished: UpdateRunsFinished.self
        case .retried: UpdateRunsRetried.self
        }
    }

    /// `StoreSQL.updateRun(times)`.
    static func updateRun(_ times: RunChange.Times) -> any PreparedStoreSQL.Type {
        switch times {
        case .unchanged: UpdateRunKeepingTimes.self
        case .started: UpdateRunStarted.self
        case .finished: UpdateRunFinished.self
        case .retried: UpdateRunRetried.self
        }
    }

    // Held steps
    enum RenewLease: PreparedStoreSQL { static let prepared = PreparedSQL("renew_lease", StoreSQL.renewLease) }
    enum RecordExternalID: PreparedStoreSQL { static let prepared = PreparedSQL("record_external_id", StoreSQL.recordExternalID) }
    enum RecordProcess: PreparedStoreSQL { static let prepared = PreparedSQL("record_process", StoreSQL.recordProcess) }
    enum StepLog: PreparedStoreSQL { static let prepared = PreparedSQL("step_log", "SELECT log FROM steps WHERE id = :id FOR UPDATE") }
    enum SetStepLog: PreparedStoreSQL { static let prepared = PreparedSQL("set_step_log", "UPDATE steps SET log = :log WHERE id = :id") }
    enum FinishStep: PreparedStoreSQL { static let prepared = PreparedSQL("finish_step", StoreSQL.finishStep) }
    enum QueueDepth: PreparedStoreSQL { static let prepared = PreparedSQL("queue_depth", StoreSQL.queueDepth) }

    // The status outbox
    enum ClaimableOutboxRows: PreparedStoreSQL {
        static let prepared = PreparedSQL("claimable_outbox_rows", StoreSQL.claimableOutboxRows(lock: ""))
    }
    enum ClaimOutboxRows: PreparedStoreSQL {
        static let prepared = PreparedSQL("claim_outbox_rows", StoreSQL.claimOutboxRows(lock: "FOR UPDATE OF o SKIP LOCKED"))
    }
}
