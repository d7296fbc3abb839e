import BridgeCore
import Foundation
import GRDB

/// How a held step ends, and what that does to its run. Only the lease's owner changes anything: a call from a
/// worker that lost its lease does nothing, so it can never overwrite the new holder's work.
extension SQLiteDeliveryStore {
    /// What that does to the run is `RunLifecycle.stepFinished`'s to decide. `log` is appended to the step's log in the same transaction: the outcome costs one commit.
    public func finishStep(stepID: Int64, owner: String, result: StepResult, log: String, now: Date) async throws(StoreError) {
        let now = StoredTime.milliseconds(now)
        try await writing("finish step \(stepID)") { db in
            try Self.finish(stepID: stepID, owner: owner, result: result, log: log, now: now, in: db)
        }
    }

    /// `finishStep`'s statements, in the caller's transaction.
    static func finish(stepID: Int64, owner: String, result: StepResult, log: String, now: Int64, in db: Database) throws {
        let (status, error) = result.ending
        let arguments: StatementArguments = ["status": status.rawValue, "error": error, "now": now, "id": stepID, "owner": owner]
        guard let runID = try updateHeldStepOfRun(StoreSQL.finishStep, arguments, stepID: stepID, in: db) else { return }
        try appendLog(log, stepID: stepID, in: db)
        try changeRun(runID, now: now, in: db) { run in RunLifecycle.stepFinished(run, result) }
    }

    /// Pending again from `retryAt`, with the error and the external id kept: a step given back while it polled
    /// a deployment resumes polling it rather than starting another. Its recorded process is forgotten: the
    /// provider failed, so whatever it started has ended. What then becomes of the run is
    /// `RunLifecycle.stepGivenBack`'s to decide.
    public func retryStepLater(
        stepID: Int64, owner: String, error: String, retryAt: Date, now: Date
    ) async throws(StoreError) {
        let now = StoredTime.milliseconds(now)
        let retryAt = StoredTime.milliseconds(retryAt)
        try await writing("give back step \(stepID)") { db in
            let arguments: StatementArguments = ["retry_at": retryAt, "error": error, "now": now, "id": stepID, "owner": owner]
            guard let runID = try Self.updateHeldStepOfRun(StoreSQL.giveBackStep, arguments, stepID: stepID, in: db) else { return }
            try Self.changeRun(runID, now: now, in: db, RunLifecycle.stepGivenBack)
        }
    }
}
