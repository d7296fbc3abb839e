import BridgeCore
import Foundation
import PostgresNIO

/// Holding a claimed step: renewals, the provider's id, the process and output, shutdown, and the queue's depth.
extension PostgresDeliveryStore {
    public func renewLease(stepID: Int64, owner: String, now: Date, lease: Duration) async throws(StoreError) -> LeaseState {
        let values: SQLValues = [
            "expiry": .integer(StoredTime.milliseconds(now, plus: lease)), "now": .integer(StoredTime.milliseconds(now)),
            "id": .integer(stepID), "owner": .text(owner),
        ]
        return try await transaction("renew the lease of step \(stepID)") { sql in
            guard let row = try await sql.row(PreparedStatements.RenewLease.self, values) else { return .lost }
            return try row.bool("cancel_requested") ? .cancelRequested : .held
        }
    }

    public func recordExternalID(stepID: Int64, owner: String, externalID: String) async throws(StoreError) {
        let values: SQLValues = ["external_id": .text(externalID), "id": .integer(stepID), "owner": .text(owner)]
        try await heldStepUpdate(
            PreparedStatements.RecordExternalID.self, values, stepID: stepID, owner: owner, "record the external id of step \(stepID)")
    }

    public func recordProcess(stepID: Int64, owner: String, process: LocalProcess) async throws(StoreError) {
        let values: SQLValues = [
            "pid": .integer(Int64(process.pid)), "ticks": .integer(Int64(clamping: process.startTicks)), "boot_id": .text(process.bootID),
            "started_at": .integer(StoredTime.milliseconds(process.startedAt)), "attempt": .int(process.attempt),
            "id": .integer(stepID), "owner": .text(owner),
        ]
        try await heldStepUpdate(PreparedStatements.RecordProcess.self, values, stepID: stepID, owner: owner, "record the process of step \(stepID)")
    }

    /// Runs an update only the lease's owner may make: `StoreError.conflict` for anyone else, `.notFound` for no step.
    private func heldStepUpdate(
        _ statement: any PreparedStoreSQL.Type, _ values: SQLValues, stepID: Int64, owner: String, _ operation: String
    ) async throws(StoreError) {
        try await transaction(operation) { sql in
            guard try await sql.row(statement, values) == nil else { return }
            guard try await sql.row(StoreSQL.stepExists, ["id": .integer(stepID)]) != nil else {
                throw StoreError.notFound("step \(stepID)")
            }
            throw StoreError.conflict("step \(stepID) is not leased to \(owner)")
        }
    }

    public func appendLog(stepID: Int64, text: String) async throws(StoreError) {
        guard !text.isEmpty else { return }
        try await transaction("append to the log of step \(stepID)") { sql in try await Self.appendLog(text, stepID: stepID, sql) }
    }

    /// Appends `text` to the step's log (its last 64 KiB kept, `StepLog`), the row locked while it is read and written.
    static func appendLog(_ text: String, stepID: Int64, _ sql: PostgresSQL) async throws {
        guard !text.isEmpty else { return }
        guard let row = try await sql.row(PreparedStatements.StepLog.self, ["id": .integer(stepID)]) else {
            throw StoreError.notFound("step \(stepID)")
        }
        let log = StepLog.appending(text, to: try row.optionalString("log"))
        try await sql.execute(PreparedStatements.SetStepLog.self, ["log": .text(log), "id": .integer(stepID)])
    }

    public func addStepNote(stepID: Int64, text: String) async throws(StoreError) {
        try await transaction("add a note to step \(stepID)") { sql in
            guard let row = try await sql.row("SELECT notes FROM steps WHERE id = :id FOR UPDATE", ["id": .integer(stepID)]) else {
                throw StoreError.notFound("step \(stepID)")
            }
            let notes = try row.json([String].self, "notes", "notes of step \(stepID)") + [text]
            try await sql.execute(
                "UPDATE steps SET notes = :notes WHERE id = :id",
                ["notes": .text(ConfigValue.array(notes.map(ConfigValue.string)).jsonText), "id": .integer(stepID)])
        }
    }

    public func releaseLeases(owner: String, now: Date) async throws(StoreError) {
        let values: SQLValues = ["now": .integer(StoredTime.milliseconds(now)), "owner": .text(owner)]
        try await transaction("release the leases of \(owner)") { sql in
            try await sql.execute(StoreSQL.releaseLeases, values)
            try await PostgresWorkChannel.notify(sql)
        }
    }

    /// Pending steps of queued and running runs (the port passes no time: see `queueDepth(now:)`).
    public func queueDepth() async throws(StoreError) -> Int {
        try await countSteps(expiredBefore: nil)
    }

    /// `queueDepth()` plus the running steps whose lease expired at `now` (waiting to be resumed).
    public func queueDepth(now: Date) async throws(StoreError) -> Int {
        try await countSteps(expiredBefore: StoredTime.milliseconds(now))
    }

    private func countSteps(expiredBefore now: Int64?) async throws(StoreError) -> Int {
        try await reading("count queued steps") { sql in
            try await sql.row(PreparedStatements.QueueDepth.self, ["now": .integer(now)])?.int("depth") ?? 0
        }
    }
}
