import BridgeCore
import Foundation
import GRDB

/// The local process of a `command` step and the step's notes (v3): what lets the worker end a copy of a command
/// that outlived a crashed bridge before it runs the command again, and say so.
extension SQLiteDeliveryStore {
    /// Only the lease's owner may record it: anyone else gets `StoreError.conflict`, and must not run the program.
    public func recordProcess(stepID: Int64, owner: String, process: LocalProcess) async throws(StoreError) {
        let arguments: StatementArguments = [
            "pid": process.pid, "ticks": Int64(clamping: process.startTicks), "boot_id": process.bootID,
            "started_at": StoredTime.milliseconds(process.startedAt), "attempt": process.attempt, "id": stepID, "owner": owner,
        ]
        try await heldStepUpdate(StoreSQL.recordProcess, arguments, stepID: stepID, owner: owner, "record the process of step \(stepID)")
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
}
