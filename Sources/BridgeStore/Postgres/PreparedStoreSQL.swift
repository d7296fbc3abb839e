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

/// A prepared statement's name on the server and its text (`StoreSQL`'s, `:name` parameters rewritten once). The name
/// is the statement's type's, so no two statements share one (a connection runs the statement prepared under a name).
struct PreparedSQL: Sendable {
    let name: String
    let positional: PositionalSQL

    init(_ statement: any PreparedStoreSQL.Type, _ sql: String) {
        self.name = "gitops_bridge_\(statement)"
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
    enum InsertDeliveryWithFirstRun: PreparedStoreSQL {
        static let prepared = PreparedSQL(Self.self, StoreSQL.insertDeliveryWithFirstRun)
    }
    enum InsertRun: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.insertRun + StoreSQL.returningID) }
    enum InsertStep: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.insertStep) }
    enum InsertOutbox: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.insertOutbox) }
    enum SetDeliveryStatus: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.setDeliveryStatus) }

    // Claims
    enum ClaimLock: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, "SELECT pg_advisory_xact_lock(:key)") }
    /// `StoreSQL.expiredCandidate`, else `pendingCandidate`, in one round trip: a `UNION ALL` runs its branches in order
    /// (PostgreSQL's `Append`) and its `LIMIT` stops it at the first row, so the pending steps are walked only when no
    /// lease has expired. Each branch keeps its own plan. (Were a parallel plan ever chosen for it, a pending step
    /// could come before an expired one; the expired one would then be taken at the next claim, which is all the
    /// order decides.)
    enum NextCandidate: PreparedStoreSQL {
        static let prepared = PreparedSQL(
            Self.self,
            "(\(StoreSQL.expiredCandidate))\nUNION ALL\n(\(StoreSQL.pendingCandidate(join: "steps s JOIN runs r ON r.id = s.run_id")))\nLIMIT 1"
        )
    }
    enum StillClaimable: PreparedStoreSQL {
        static let prepared = PreparedSQL(
            Self.self, "SELECT s.id FROM steps s JOIN runs r ON r.id = s.run_id WHERE s.id = :id AND \(StoreSQL.claimable)")
    }
    enum ClaimStep: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.claimStep) }
    enum ClaimedStep: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.claimedStep) }

    // Runs (`RunLifecycle`'s decisions)
    enum LockedRun: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.runStateRun + " FOR UPDATE") }
    enum RunStateSteps: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.runStateSteps) }
    enum LockRunOfStep: PreparedStoreSQL {
        static let prepared = PreparedSQL(Self.self, "SELECT id FROM runs WHERE id = (SELECT run_id FROM steps WHERE id = :id) FOR UPDATE")
    }
    enum SetStepStatus: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.setStepStatus) }
    enum ResetStep: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.resetStep) }
    enum UpdateRunKeepingTimes: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.updateRun(.unchanged)) }
    enum UpdateRunStarted: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.updateRun(.started)) }
    enum UpdateRunFinished: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.updateRun(.finished)) }
    enum UpdateRunRetried: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.updateRun(.retried)) }
    enum StatusUpdateRun: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.statusUpdateRun) }
    enum SetReported: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.setReported) }

    // Runs changed together (`RunChangeBatch`)
    enum SupersededRunsOfEnvironment: PreparedStoreSQL {
        static let prepared = PreparedSQL(Self.self, StoreSQL.supersededRuns(environmentIsNull: false))
    }
    enum SupersededRunsWithoutEnvironment: PreparedStoreSQL {
        static let prepared = PreparedSQL(Self.self, StoreSQL.supersededRuns(environmentIsNull: true))
    }
    enum LockedRuns: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.runStateRuns(.postgres, suffix: " FOR UPDATE")) }
    enum RunStateStepsOfRuns: PreparedStoreSQL {
        static let prepared = PreparedSQL(Self.self, StoreSQL.runStateStepsOfRuns(.postgres))
    }
    enum SetStepsStatus: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.setStepsStatus(.postgres)) }
    enum UpdateRunsKeepingTimes: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.updateRuns(.unchanged, .postgres)) }
    enum UpdateRunsStarted: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.updateRuns(.started, .postgres)) }
    enum UpdateRunsFinished: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.updateRuns(.finished, .postgres)) }
    enum UpdateRunsRetried: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.updateRuns(.retried, .postgres)) }

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
    enum RenewLease: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.renewLease) }
    enum RecordExternalID: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.recordExternalID + StoreSQL.returningID) }
    enum RecordProcess: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.recordProcess + StoreSQL.returningID) }
    enum StepLog: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, "SELECT log FROM steps WHERE id = :id FOR UPDATE") }
    enum SetStepLog: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, "UPDATE steps SET log = :log WHERE id = :id") }
    enum FinishStep: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.finishStep + StoreSQL.returningRunID) }
    enum GiveBackStep: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.giveBackStep + StoreSQL.returningRunID) }
    enum QueueDepth: PreparedStoreSQL { static let prepared = PreparedSQL(Self.self, StoreSQL.queueDepth) }

    // The status outbox
    enum ClaimableOutboxRows: PreparedStoreSQL {
        static let prepared = PreparedSQL(Self.self, StoreSQL.claimableOutboxRows(lock: ""))
    }
    enum ClaimOutboxRows: PreparedStoreSQL {
        static let prepared = PreparedSQL(Self.self, StoreSQL.claimOutboxRows(lock: "FOR UPDATE OF o SKIP LOCKED"))
    }
}
