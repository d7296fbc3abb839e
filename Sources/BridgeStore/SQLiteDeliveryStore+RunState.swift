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

    /// The run's summary, read in the caller's transaction.
    static func runSummary(_ runID: Int64, in db: Database) throws -> RunSummary {
        guard let row = try Row.fetchOne(Self.cached(StoreSQL.runSummary, db), arguments: ["id": runID]) else {
            throw StoreError.notFound("run \(runID)")
        }
        return try Rows.runSummary(row)
    }
}
