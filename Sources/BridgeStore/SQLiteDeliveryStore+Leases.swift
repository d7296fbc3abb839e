import BridgeCore
import Foundation
import GRDB

/// Holding a claimed step: renewals, the provider's id and output, shutdown, and the queue's depth.
///
/// A holder is its `owner` string, so each concurrent holder (each worker slot) must use its own. A lease that
/// expired but was not claimed again is still its owner's: renewing it takes it back.
extension SQLiteDeliveryStore {
    public func renewLease(stepID: Int64, owner: String, now: Date, lease: Duration) async throws(StoreError) -> LeaseState {
        let arguments: StatementArguments = [
            "expiry": StoredTime.milliseconds(now, plus: lease), "now": StoredTime.milliseconds(now), "id": stepID, "owner": owner,
        ]
        return try await writing("renew the lease of step \(stepID)") { db in
            guard let row = try Row.fetchOne(Self.cached(StoreSQL.renewLease, db), arguments: arguments) else { return .lost }
            return try row.bool("cancel_requested") ? .cancelRequested : .held
        }
    }

    /// Only the lease's owner may record it: anyone else gets `StoreError.conflict` (the lease was lost, and the
    /// new holder's id must not be overwritten), so a worker that has just started a deployment learns at once
    /// that it no longer holds the step.
    public func recordExternalID(stepID: Int64, owner: String, externalID: String) async throws(StoreError) {
        try await heldStepUpdate(
            StoreSQL.recordExternalID, ["external_id": externalID, "id": stepID, "owner": owner], stepID: stepID, owner: owner,
            "record the external id of step \(stepID)")
    }

    /// Runs an update only the lease's owner may make: `StoreError.conflict` for anyone else, `.notFound` for no step.
    func heldStepUpdate(
        _ statement: String, _ arguments: StatementArguments, stepID: Int64, owner: String, _ operation: String
    ) async throws(StoreError) {
        try await writing(operation) { db in
            guard try !Self.updateHeldStep(statement, arguments, in: db) else { return }
            guard try Row.fetchOne(Self.cached(StoreSQL.stepExists, db), arguments: ["id": stepID]) != nil else {
                throw StoreError.notFound("step \(stepID)")
            }
            throw StoreError.conflict("step \(stepID) is not leased to \(owner)")
        }
    }

    /// Runs `update`, one of `StoreSQL`'s updates of a held step: whether it changed the step (its owner held it).
    static func updateHeldStep(_ update: String, _ arguments: StatementArguments, in db: Database) throws -> Bool {
        try cached(update, db).execute(arguments: arguments)
        return db.changesCount == 1
    }

    /// `updateHeldStep`, then the step's run when it changed the step, else nil.
    static func updateHeldStepOfRun(_ update: String, _ arguments: StatementArguments, stepID: Int64, in db: Database) throws -> Int64? {
        guard try updateHeldStep(update, arguments, in: db) else { return nil }
        return try Int64.fetchOne(cached(StoreSQL.stepRunID, db), arguments: ["id": stepID])
    }

    /// Appends to any step's log, whoever holds it; the log keeps its last 64 KiB (`StepLog`).
    public func appendLog(stepID: Int64, text: String) async throws(StoreError) {
        guard !text.isEmpty else { return }
        try await writing("append to the log of step \(stepID)") { db in try Self.appendLog(text, stepID: stepID, in: db) }
    }

    /// Appends `text` to the step's log in the caller's transaction.
    static func appendLog(_ text: String, stepID: Int64, in db: Database) throws {
        guard !text.isEmpty else { return }
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT log FROM steps WHERE id = ?"), arguments: [stepID])
        guard let row else { throw StoreError.notFound("step \(stepID)") }
        let log = StepLog.appending(text, to: try row.decode(String?.self, forColumn: "log"))
        try db.execute(sql: "UPDATE steps SET log = ? WHERE id = ?", arguments: [log, stepID])
    }

    /// Expires every lease `owner` holds now (never later than it already expired), keeping attempts and
    /// external ids, so the next claim resumes the steps.
    public func releaseLeases(owner: String, now: Date) async throws(StoreError) {
        let arguments: StatementArguments = ["now": StoredTime.milliseconds(now), "owner": owner]
        try await writing("release the leases of \(owner)") { db in try Self.cached(StoreSQL.releaseLeases, db).execute(arguments: arguments) }
    }

    /// Pending steps of queued and running runs, including those waiting for a retry or behind an earlier step.
    ///
    /// The port passes no time, and the store never reads the clock, so running steps whose lease expired are
    /// not counted here: `queueDepth(now:)` counts them too.
    public func queueDepth() async throws(StoreError) -> Int {
        try await countSteps(expiredBefore: nil)
    }

    /// `queueDepth()` plus the running steps whose lease expired at `now` (waiting to be resumed).
    public func queueDepth(now: Date) async throws(StoreError) -> Int {
        try await countSteps(expiredBefore: StoredTime.milliseconds(now))
    }

    private func countSteps(expiredBefore now: Int64?) async throws(StoreError) -> Int {
        try await reading("count queued steps") { db in
            try Int.fetchOne(Self.cached(StoreSQL.queueDepth, db), arguments: ["now": now]) ?? 0
        }
    }
}
