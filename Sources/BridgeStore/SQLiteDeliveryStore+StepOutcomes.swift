import BridgeCore
import Foundation
import GRDB

/// How a held step ends, and what that does to its run. Only the lease's owner changes anything: a call from a
/// worker that lost its lease does nothing, so it can never overwrite the new holder's work.
extension SQLiteDeliveryStore {
    /// Succeeded: the run succeeds after its last step, else its next step becomes claimable (or, when a cancel
    /// was requested meanwhile, the run is canceled). Failed or canceled: so is the run, its later steps skipped.
    /// `log` is appended to the step's log in the same transaction: the outcome costs one commit.
    public func finishStep(stepID: Int64, owner: String, result: StepResult, log: String, now: Date) async throws(StoreError) {
        let now = StoredTime.milliseconds(now)
        let (status, error): (String, String?) =
            switch result {
            case .succeeded: ("succeeded", nil)
            case .failed(let reason): ("failed", reason)
            case .canceled(let reason): ("canceled", reason)
            }
        try await writing("finish step \(stepID)") { db in
            let runID = try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        UPDATE steps SET status = ?, error = ?, finished_at = ?, updated_at = ?,
                            lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = NULL, \(Self.forgetProcess)
                        WHERE id = ? AND status = 'running' AND lease_owner = ?
                        RETURNING run_id
                        """),
                arguments: [status, error, now, now, stepID, owner])
            guard let runID else { return }
            try Self.appendLog(log, stepID: stepID, in: db)
            switch result {
            case .succeeded: try Self.advanceRun(runID, now: now, in: db)
            case .failed: try Self.endRun(runID, .failed, now: now, in: db)
            case .canceled: try Self.endRun(runID, .canceled, now: now, in: db)
            }
        }
    }

    /// Pending again from `retryAt`, with the error and the external id kept: a step given back while it polled
    /// a deployment resumes polling it rather than starting another. Its recorded process is forgotten: the
    /// provider failed, so whatever it started has ended. The run stays running, unless a cancel was
    /// requested and nothing of it is in flight, in which case it is canceled now.
    public func retryStepLater(
        stepID: Int64, owner: String, error: String, retryAt: Date, now: Date
    ) async throws(StoreError) {
        let now = StoredTime.milliseconds(now)
        let retryAt = StoredTime.milliseconds(retryAt)
        try await writing("give back step \(stepID)") { db in
            let runID = try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        UPDATE steps SET status = 'pending', next_attempt_at = ?, error = ?, updated_at = ?,
                            lease_owner = NULL, lease_expires_at = NULL, \(Self.forgetProcess)
                        WHERE id = ? AND status = 'running' AND lease_owner = ?
                        RETURNING run_id
                        """),
                arguments: [retryAt, error, now, stepID, owner])
            guard let runID else { return }
            try db.execute(sql: "UPDATE runs SET updated_at = ? WHERE id = ?", arguments: [now, runID])
            try Self.settleCancelRequest(runID, now: now, in: db)
        }
    }

    /// After a step succeeded: the run succeeds when every step has, else it waits for its next step.
    private static func advanceRun(_ runID: Int64, now: Int64, in db: Database) throws {
        let unfinished = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM steps WHERE run_id = ? AND status <> 'succeeded'"),
            arguments: [runID])
        if unfinished == 0 {
            try endRun(runID, .succeeded, now: now, in: db)
        } else {
            try db.execute(sql: "UPDATE runs SET updated_at = ? WHERE id = ?", arguments: [now, runID])
            try settleCancelRequest(runID, now: now, in: db)
        }
    }
}
