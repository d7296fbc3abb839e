import BridgeCore
import PostgresNIO

/// Reading a run's `RunState` under its row lock and persisting `RunLifecycle`'s decisions, inside the caller's
/// transaction.
extension PostgresDeliveryStore {
    /// The run as `RunLifecycle` needs it, its row locked until the transaction ends.
    static func lockedRunState(_ runID: Int64, _ sql: PostgresSQL) async throws -> RunState {
        guard let run = try await sql.row(PreparedStatements.LockedRun.self, ["id": .integer(runID)]) else {
            throw StoreError.notFound("run \(runID)")
        }
        let steps = try await sql.rows(PreparedStatements.RunStateSteps.self, ["id": .integer(runID)])
        return try Rows.runState(id: runID, run, steps: steps)
    }

    /// Locks the run, reads its state, asks `decide`, and persists its answer; announces the change to every replica.
    @discardableResult
    static func changeRun(
        _ runID: Int64, now: Int64, _ sql: PostgresSQL, _ decide: (RunState) throws(StoreError) -> RunChange
    ) async throws -> RunChange {
        let change = try decide(try await lockedRunState(runID, sql))
        try await apply(change, to: runID, now: now, sql)
        return change
    }

    /// Persists `change`; `updated_at` is set even when nothing else changes.
    static func apply(_ change: RunChange, to runID: Int64, now: Int64, _ sql: PostgresSQL) async throws {
        for step in change.steps {
            try await sql.execute(
                step.reset ? PreparedStatements.ResetStep.self : PreparedStatements.SetStepStatus.self,
                ["status": .text(step.status.rawValue), "now": .integer(now), "id": .integer(step.id)])
        }
        try await sql.execute(
            PreparedStatements.updateRun(change.times),
            [
                "status": .text(change.status?.rawValue), "cancel": .flag(change.cancelRequested), "now": .integer(now),
                "id": .integer(runID),
            ])
        if let report = change.report {
            try await enqueueStatus(report, runID: runID, now: now, sql)
        }
        try await PostgresWorkChannel.notify(sql)
    }

    /// Supersedes `runID` and the other superseded runs of its rule and environment (`StoreSQL.supersededRuns`, at most
    /// `StoreSQL.supersedeBatch`), each as `RunLifecycle.supersede` decides, together (`changeRuns`).
    static func supersedeRuns(_ runID: Int64, rule: String, environment: String?, now: Int64, _ sql: PostgresSQL) async throws {
        let values: SQLValues = [
            "rule": .text(rule), "environment": .text(environment), "from": .integer(runID), "limit": .int(StoreSQL.supersedeBatch),
        ]
        var ids = try await sql.rows(
            environment == nil ? PreparedStatements.SupersededRunsWithoutEnvironment.self : PreparedStatements.SupersededRunsOfEnvironment.self,
            values
        ).map { try $0.int64("id") }
        if !ids.contains(runID) { ids.append(runID) }
        try await changeRuns(ids, now: now, sql, RunLifecycle.supersede)
    }

    /// `changeRun` for each of the runs, their rows locked in id order and their states read together, their changes
    /// persisted together (`RunChangeBatch`); announced once.
    static func changeRuns(
        _ ids: [Int64], now: Int64, _ sql: PostgresSQL, _ decide: (RunState) throws(StoreError) -> RunChange
    ) async throws {
        guard !ids.isEmpty else { return }
        let list: SQLValues = ["ids": IDList.postgres.value(ids)]
        let runs = try await sql.rows(PreparedStatements.LockedRuns.self, list)
        let steps = try await sql.rows(PreparedStatements.RunStateStepsOfRuns.self, list)
        let batch = RunChangeBatch(try Rows.runStates(runs, steps: steps).map { run in (run.id, try decide(run)) })
        for (status, stepIDs) in batch.steps {
            try await sql.execute(
                PreparedStatements.SetStepsStatus.self,
                ["status": .text(status.rawValue), "now": .integer(now), "ids": IDList.postgres.value(stepIDs)])
        }
        for (update, runIDs) in batch.runs {
            try await sql.execute(
                PreparedStatements.updateRuns(update.times),
                [
                    "status": .text(update.status?.rawValue), "cancel": .flag(update.cancelRequested), "now": .integer(now),
                    "ids": IDList.postgres.value(runIDs),
                ])
        }
        for (runID, change) in batch.single { try await apply(change, to: runID, now: now, sql) }
        for (runID, report) in batch.reports { try await enqueueStatus(report, runID: runID, now: now, sql) }
        try await PostgresWorkChannel.notify(sql)
    }

    /// Appends the report's status to the run's outbox, one row per reporter told, and remembers it as the run's last
    /// reported status.
    static func enqueueStatus(_ report: RunChange.Report, runID: Int64, now: Int64, _ sql: PostgresSQL) async throws {
        guard let run = try await sql.row(PreparedStatements.StatusUpdateRun.self, ["id": .integer(runID)]) else {
            throw StoreError.notFound("run \(runID)")
        }
        let payload = StoredJSON.statusPayload(try Rows.statusUpdate(runID: runID, run, status: report.status))
        for reporter in report.reporters {
            try await sql.execute(
                PreparedStatements.InsertOutbox.self,
                [
                    "run_id": .integer(runID), "reporter": .text(reporter), "status": .text(report.status.rawValue),
                    "payload": .text(payload), "now": .integer(now),
                ])
        }
        try await sql.execute(PreparedStatements.SetReported.self, ["status": .text(report.status.rawValue), "id": .integer(runID)])
    }

    /// The run's summary, read in the caller's transaction.
    static func runSummary(_ runID: Int64, _ sql: PostgresSQL) async throws -> RunSummary {
        guard let row = try await sql.row(StoreSQL.runSummary, ["id": .integer(runID)]) else {
            throw StoreError.notFound("run \(runID)")
        }
        return try Rows.runSummary(row)
    }

    /// The run a step belongs to, its row locked: taken before the step is changed, so every transaction locks a run
    /// before its steps.
    static func lockRun(ofStep stepID: Int64, _ sql: PostgresSQL) async throws -> Int64? {
        try await sql.row(PreparedStatements.LockRunOfStep.self, ["id": .integer(stepID)])?.int64("id")
    }
}
