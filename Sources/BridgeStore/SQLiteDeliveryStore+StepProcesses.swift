import BridgeCore
import Foundation
import GRDB

/// The local process of a `command` step and the step's notes (v3): what lets the worker end a copy of a command
/// that outlived a crashed bridge before it runs the command again, and say so.
extension SQLiteDeliveryStore {
    /// Only the lease's owner may record it: anyone else gets `StoreError.conflict`, and must not run the program.
    public func recordProcess(stepID: Int64, owner: String, process: LocalProcess) async throws(StoreError) {
        try await writing("record the process of step \(stepID)") { db in
            try db.execute(
                sql: """
                    UPDATE steps SET process_id = ?, process_start_ticks = ?, process_boot_id = ?, process_started_at = ?,
                        process_attempt = ?
                    WHERE id = ? AND status = 'running' AND lease_owner = ?
                    """,
                arguments: [
                    process.pid, Int64(clamping: process.startTicks), process.bootID, StoredTime.milliseconds(process.startedAt),
                    process.attempt, stepID, owner,
                ])
            if db.changesCount == 0 {
                try Self.requireStep(stepID, in: db)
                throw StoreError.conflict("step \(stepID) is not leased to \(owner)")
            }
        }
    }

    /// Appends `text` to the step's notes, whoever holds it.
    public func addStepNote(stepID: Int64, text: String) async throws(StoreError) {
        try await writing("add a note to step \(stepID)") { db in
            let statement = try db.cachedStatement(sql: "SELECT notes FROM steps WHERE id = ?")
            guard let stored = try String.fetchOne(statement, arguments: [stepID]) else { throw StoreError.notFound("step \(stepID)") }
            let notes = try StoredJSON.decode([String].self, from: stored, "notes of step \(stepID)") + [text]
            try db.execute(
                sql: "UPDATE steps SET notes = ? WHERE id = ?",
                arguments: [ConfigValue.array(notes.map(ConfigValue.string)).jsonText, stepID])
        }
    }

    /// The assignments that forget a step's process, for the statements that record its outcome.
    static let forgetProcess = """
        process_id = NULL, process_start_ticks = NULL, process_boot_id = NULL, process_started_at = NULL, process_attempt = NULL
        """
}
