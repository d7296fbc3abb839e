import BridgeCore
import Foundation
import PostgresNIO

/// How a held step ends, and `runs cancel` / `runs retry` (`changeRun`): each locks the run first, then changes the step (only the
/// lease's owner may) and asks `RunLifecycle` what becomes of the run.
extension PostgresDeliveryStore {
    public func finishStep(stepID: Int64, owner: String, result: StepResult, log: String, now: Date) async throws(StoreError) {
        let now = StoredTime.milliseconds(now)
        try await transaction("finish step \(stepID)") { sql in
            try await Self.finish(stepID: stepID, owner: owner, result: result, log: log, now: now, sql)
        }
    }

    /// `finishStep`'s statements, in the caller's transaction.
    static func finish(stepID: Int64, owner: String, result: StepResult, log: String, now: Int64, _ sql: PostgresSQL) async throws {
        guard try await lockRun(ofStep: stepID, sql) != nil else { return }
        let (status, error) = result.ending
        let values: SQLValues = [
            "status": .text(status.rawValue), "error": .text(error), "now": .integer(now), "id": .integer(stepID), "owner": .text(owner),
        ]
        guard let row = try await sql.row(PreparedStatements.FinishStep.self, values) else { return }
        try await appendLog(log, stepID: stepID, sql)
        try await changeRun(try row.int64("run_id"), now: now, sql) { run in RunLifecycle.stepFinished(run, result) }
    }

    public func retryStepLater(stepID: Int64, owner: String, error: String, retryAt: Date, now: Date) async throws(StoreError) {
        let now = StoredTime.milliseconds(now)
        let retryAt = StoredTime.milliseconds(retryAt)
        try await transaction("give back step \(stepID)") { sql in
            guard try await Self.lockRun(ofStep: stepID, sql) != nil else { return }
            let values: SQLValues = [
                "retry_at": .integer(retryAt), "error": .text(error), "now": .integer(now), "id": .integer(stepID), "owner": .text(owner),
            ]
            guard let row = try await sql.row(PreparedStatements.GiveBackStep.self, values) else { return }
            try await Self.changeRun(try row.int64("run_id"), now: now, sql, RunLifecycle.stepGivenBack)
        }
    }

    public func changeRun(
        id: Int64, now: Date, _ decide: @escaping @Sendable (RunState) throws(StoreError) -> RunChange
    ) async throws(StoreError) -> RunSummary {
        let now = StoredTime.milliseconds(now)
        return try await transaction("change run \(id)") { sql in
            try await Self.changeRun(id, now: now, sql, decide)
            return try await Self.runSummary(id, sql)
        }
    }
}
