import BridgeCore
import GRDB

/// Reading a run's `RunState` and persisting `RunLifecycle`'s decisions, inside the caller's transaction: the store
/// decides nothing about statuses itself.
extension SQLiteDeliveryStore {
    /// The run as `RunLifecycle` needs it.
    static func runState(_ runID: Int64, in db: Database) throws -> RunState {
        guard let run = try Row.fetchOne(Self.cached(StoreSQL.runStateRun, db), arguments: ["id": runID]) else {
            throw StoreError.notFound("run \(runID)")
        }
        let steps = try Row.fetchAll(Self.cached(StoreSQL.runStateSteps, db), arguments: ["id": runID])
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
        for step in change.steps {
            try Self.cached(step.reset ? StoreSQL.resetStep : StoreSQL.setStepStatus, db).execute(
                arguments: ["status": step.status.rawValue, "now": now, "id": step.id])
        }
        try Self.cached(StoreSQL.updateRun(change.times), db).execute(
            arguments: .init([
                "status": .text(change.status?.rawValue), "cancel": .flag(change.cancelRequested), "now": .integer(now),
                "id": .integer(runID),
            ]))
        if let report = change.report {
            try enqueueStatus(report, runID: runID, now: now, in: db)
        }
    }

    /// Supersedes `runID` and the other superseded runs of its rule and environment (`StoreSQL.supersededRuns`, at most
    /// `StoreSQL.supersedeBatch`), each as `RunLifecycle.supersede` decides, together (`changeRuns`).
    static func supersedeRuns(_ runID: Int64, rule: String, environment: String?, now: Int64, in db: Database) throws {
        let sql = environment == nil ? supersededRunsWithoutEnvironment : supersededRunsOfEnvironment
        var ids = try Int64.fetchAll(
            Self.cached(sql, db),
            arguments: .init([
                "rule": .text(rule), "environment": .text(environment), "from": .integer(runID), "limit": .int(StoreSQL.supersedeBatch),
            ]))
        if !ids.contains(runID) { ids.append(runID) }
        try changeRuns(ids, now: now, in: db, RunLifecycle.supersede)
    }

    private static let supersededRunsOfEnvironment = StoreSQL.supersededRuns(environmentIsNull: false)
    private static let supersededRunsWithoutEnvironment = StoreSQL.supersededRuns(environmentIsNull: true)

    /// `changeRun` for each of the runs, their states read and their changes persisted together (`RunChangeBatch`).
    static func changeRuns(_ ids: [Int64], now: Int64, in db: Database, _ decide: (RunState) throws(StoreError) -> RunChange) throws {
        guard !ids.isEmpty else { return }
        let list: StatementArguments = .init(["ids": IDList.sqlite.value(ids)])
        let runs = try Row.fetchAll(Self.cached(runStateRuns, db), arguments: list)
        let steps = try Row.fetchAll(Self.cached(runStateStepsOfRuns, db), arguments: list)
        let batch = RunChangeBatch(try Rows.runStates(runs, steps: steps).map { run in (run.id, try decide(run)) })
        for (status, stepIDs) in batch.steps {
            try Self.cached(setStepsStatus, db).execute(
                arguments: .init(["status": .text(status.rawValue), "now": .integer(now), "ids": IDList.sqlite.value(stepIDs)]))
        }
        for (update, runIDs) in batch.runs {
            try Self.cached(StoreSQL.updateRuns(update.times, .sqlite), db).execute(
                arguments: .init([
                    "status": .text(update.status?.rawValue), "cancel": .flag(update.cancelRequested), "now": .integer(now),
                    "ids": IDList.sqlite.value(runIDs),
                ]))
        }
        for (runID, change) in batch.single { try apply(change, to: runID, now: now, in: db) }
        for (runID, report) in batch.reports { try enqueueStatus(report, runID: runID, now: now, in: db) }
    }

    private static let runStateRuns = StoreSQL.runStateRuns(.sqlite)
    private static let runStateStepsOfRuns = StoreSQL.runStateStepsOfRuns(.sqlite)
    private static let setStepsStatus = StoreSQL.setStepsStatus(.sqlite)

    /// The run's summary, read in the caller's transaction.
    static func runSummary(_ runID: Int64, in db: Database) throws -> RunSummary {
        guard let row = try Row.fetchOne(Self.cached(StoreSQL.runSummary, db), arguments: ["id": runID]) else {
            throw StoreError.notFound("run \(runID)")
        }
        return try Rows.runSummary(row)
    }
}
