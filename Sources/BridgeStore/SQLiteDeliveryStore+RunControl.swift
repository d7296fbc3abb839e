import BridgeCore
import Foundation
import GRDB

/// `gitops-bridge runs cancel` and `runs retry`.
extension SQLiteDeliveryStore {
    /// A queued run is canceled at once (its steps canceled; the forge never saw it, so nothing is reported). A
    /// running run is asked to cancel (`LeaseState.cancelRequested`); when no worker holds one of its steps it
    /// is canceled at once. Asking again is harmless. A finished run is a `StoreError.conflict`.
    public func cancelRun(id: Int64, now: Date) async throws(StoreError) -> RunSummary {
        let now = StoredTime.milliseconds(now)
        return try await writing("cancel run \(id)") { db in
            switch try Self.runStatus(id, in: db) {
            case "queued":
                try db.execute(
                    sql: "UPDATE steps SET status = 'canceled', updated_at = ? WHERE run_id = ? AND status = 'pending'",
                    arguments: [now, id])
                try db.execute(
                    sql: "UPDATE runs SET status = 'canceled', finished_at = ?, updated_at = ? WHERE id = ?",
                    arguments: [now, now, id])
                // A retried run was reported before, but its last report was terminal: nothing to add.
                try Self.enqueueStatus(.canceled, runID: id, now: now, in: db)
            case "running":
                try db.execute(
                    sql: "UPDATE runs SET cancel_requested = 1, updated_at = ? WHERE id = ?", arguments: [now, id])
                try Self.settleCancelRequest(id, now: now, in: db)
            case let status:
                throw StoreError.conflict("run \(id) is already \(status): only a queued or running run can be canceled")
            }
            return try Self.runSummary(id, in: db)
        }
    }

    /// Runs a failed, canceled or superseded run again: its succeeded steps stay, the others are pending again
    /// with no attempts, error, external id, recorded process, lease or times (their notes stay); the run is queued
    /// with no cancel request.
    ///
    /// The retried run is never superseded (`retried_at`): a manual retry is explicit, even of an older commit.
    /// When it starts, a new `running` update creates a new GitLab deployment (the last one ended).
    public func retryRun(id: Int64, now: Date) async throws(StoreError) -> RunSummary {
        let now = StoredTime.milliseconds(now)
        return try await writing("retry run \(id)") { db in
            let status = try Self.runStatus(id, in: db)
            guard ["failed", "canceled", "superseded"].contains(status) else {
                throw StoreError.conflict("run \(id) is \(status): only a failed, canceled or superseded run can be retried")
            }
            try db.execute(
                sql: """
                    UPDATE steps SET status = 'pending', attempts = 0, error = NULL, external_id = NULL,
                        lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = NULL, \(Self.forgetProcess),
                        started_at = NULL, finished_at = NULL, updated_at = ?
                    WHERE run_id = ? AND status IN ('failed', 'canceled', 'skipped')
                    """,
                arguments: [now, id])
            try db.execute(
                sql: """
                    UPDATE runs SET status = 'queued', cancel_requested = 0, retried_at = ?,
                        started_at = NULL, finished_at = NULL, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [now, now, id])
            return try Self.runSummary(id, in: db)
        }
    }

    private static func runStatus(_ id: Int64, in db: Database) throws -> String {
        let statement = try db.cachedStatement(sql: "SELECT status FROM runs WHERE id = ?")
        guard let status = try String.fetchOne(statement, arguments: [id]) else {
            throw StoreError.notFound("run \(id)")
        }
        return status
    }
}
