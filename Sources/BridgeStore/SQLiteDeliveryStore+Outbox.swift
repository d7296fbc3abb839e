import BridgeCore
import Foundation
import GRDB

/// The durable status outbox (DESIGN §4, §5).
///
/// Rows are enqueued in the transaction that changes a run's status (see `enqueueStatus`), and claimed by one sender
/// at a time (`claimed_by`, `claim_expires_at`, v5), so several processes on one file never send the same row.
///
/// The payload column holds the JSON of the `StatusUpdate` without its run, deployment and request ids, written from
/// the run when the row is enqueued. They are added when the row is read: the row's `run_id` and `id`, and the run's
/// `forge_deployment_id`, which an earlier row's `statusSent` recorded (the reporter decides whether its update starts
/// a new deployment instead: `StatusReporterKind.startsDeployment`). So is `requestedAt`, the row's `created_at`: a
/// reporter whose create answer was lost finds the deployment it created since then instead of creating another.
extension SQLiteDeliveryStore {
    /// `StoreSQL.claimOutboxRows` in this dialect, built once.
    static let claimOutboxRows = StoreSQL.claimOutboxRows(lock: "")
    /// The rows `claimOutboxRows` would take, read without taking them.
    static let claimableOutboxRows = StoreSQL.claimableOutboxRows(lock: "")

    /// The sender is woken at every change of a run, and most wakes find nothing due (no `status` block, or a run
    /// whose forge is not told): a reader connection says so first, without a turn of the single writer, whose every
    /// turn is a transaction (bench/worker: 1,772 empty claims for 3,000 runs). A row committed before the wake is
    /// seen by the read, which starts after it.
    public func claimStatusUpdates(
        owner: String, now: Date, lease: Duration, limit: Int
    ) async throws(StoreError) -> [PendingStatusUpdate] {
        guard limit > 0 else { return [] }
        let probe: StatementArguments = ["owner": owner, "now": StoredTime.milliseconds(now), "limit": 1]
        let anyDue = try await reading("read due status updates") { db in
            try Row.fetchOne(Self.cached(Self.claimableOutboxRows, db), arguments: probe) != nil
        }
        guard anyDue else { return [] }
        let arguments: StatementArguments = [
            "owner": owner, "expiry": StoredTime.milliseconds(now, plus: lease), "now": StoredTime.milliseconds(now), "limit": limit,
        ]
        return try await writing("claim due status updates") { db in
            try Row.fetchAll(Self.cached(Self.claimOutboxRows, db), arguments: arguments)
                .map(Rows.pendingStatusUpdate).sorted { $0.outboxID < $1.outboxID }
        }
    }

    public func statusSent(outboxID: Int64, owner: String, deploymentID: String?, now: Date) async throws(StoreError) {
        let arguments: StatementArguments = ["now": StoredTime.milliseconds(now), "id": outboxID, "owner": owner]
        try await writing("record a sent status update") { db in
            guard let runID = try Int64.fetchOne(Self.cached(StoreSQL.outboxSent, db), arguments: arguments) else {
                // Sent already (a repeated call changes nothing), claimed by another sender since, or no such row.
                try Self.requireOutboxRow(outboxID, in: db)
                return
            }
            if let deploymentID {
                try Self.cached(StoreSQL.setForgeDeployment, db).execute(arguments: ["deployment": deploymentID, "id": runID])
            }
        }
    }

    /// With `retryAt`, the row waits until then; with nil it is given up: `abandoned_at` is set, `sent_at` stays
    /// NULL and `last_error` says why, and the run's next row becomes due. Giving up a `running` row also forgets
    /// the run's deployment id, so the terminal row after it creates a deployment of its own rather than
    /// updating an earlier attempt's.
    public func statusFailed(
        outboxID: Int64, owner: String, error: String, retryAt: Date?, attempted: Bool, now: Date
    ) async throws(StoreError) {
        let arguments: StatementArguments = [
            "error": error, "retry_at": retryAt.map(StoredTime.milliseconds), "now": StoredTime.milliseconds(now), "id": outboxID,
            "owner": owner, "attempted": attempted ? 1 : 0,
        ]
        try await writing("record a failed status update") { db in
            guard let row = try Row.fetchOne(Self.cached(StoreSQL.outboxFailed, db), arguments: arguments) else {
                try Self.requireOutboxRow(outboxID, in: db)
                return
            }
            if retryAt == nil,
                StatusOutboxPolicy.givingUpForgetsDeployment(
                    try row.value(ForgeDeploymentStatus.self, "target_status"), reporter: try row.string("reporter"))
            {
                try Self.cached(StoreSQL.setForgeDeployment, db).execute(arguments: ["deployment": nil, "id": try row.int64("run_id")])
            }
        }
    }

    private static func requireOutboxRow(_ id: Int64, in db: Database) throws {
        guard try Int64.fetchOne(Self.cached(StoreSQL.outboxRowExists, db), arguments: ["id": id]) != nil else {
            throw StoreError.notFound("status update \(id)")
        }
    }
}

extension SQLiteDeliveryStore {
    /// Appends the report's status to the run's outbox, one row per reporter told (`StatusOutboxPolicy` chose them),
    /// and remembers it as the run's last reported status.
    static func enqueueStatus(_ report: RunChange.Report, runID: Int64, now: Int64, in db: Database) throws {
        guard let run = try Row.fetchOne(Self.cached(StoreSQL.statusUpdateRun, db), arguments: ["id": runID]) else {
            throw StoreError.notFound("run \(runID)")
        }
        let payload = StoredJSON.statusPayload(try Rows.statusUpdate(runID: runID, run, status: report.status))
        for reporter in report.reporters {
            try Self.cached(StoreSQL.insertOutbox, db).execute(
                arguments: ["run_id": runID, "reporter": reporter, "status": report.status.rawValue, "payload": payload, "now": now])
        }
        try Self.cached(StoreSQL.setReported, db).execute(arguments: ["status": report.status.rawValue, "id": runID])
    }
}
