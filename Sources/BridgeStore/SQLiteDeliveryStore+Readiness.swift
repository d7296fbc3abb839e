import BridgeCore
import GRDB

extension SQLiteDeliveryStore {
    /// Throws unless a delivery can be recorded now.
    ///
    /// Answers from the last write when it is recent (`WriteHealth.freshness`), so a load balancer polling
    /// `/readyz` costs no write while deliveries flow; otherwise probes with a real write and remembers the outcome.
    public func checkReady() async throws(StoreError) {
        if let recent = health.recentOutcome() {
            try recent.get()
            return
        }
        do {
            try await pool.write { db in try Self.probeDeliveryWrite(db) }
            health.record(nil)
        } catch {
            let failure = StoreError(error, during: "probe a delivery write")
            health.record(failure)
            throw failure
        }
    }

    /// Writes what a delivery writes and takes it back in the same transaction, then commits.
    ///
    /// The row needs new pages (its 8 KiB reason overflows one) and the commit appends them to the WAL and syncs
    /// it, so the probe fails as a delivery would on a full disk or a read-only file. Nothing is left behind: the
    /// id is negative, below AUTOINCREMENT's sequence, and the row is deleted before the commit, so no reader
    /// ever sees it and delivery ids are not advanced.
    static func probeDeliveryWrite(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO deliveries (id, source, forge, delivery_key, event_name, received_at, status, reason)
                VALUES (-1, '', '', 'readiness-probe', '', 0, 'ignored', ?)
                """,
            arguments: [String(repeating: " ", count: 8192)])
        try db.execute(sql: "DELETE FROM deliveries WHERE id = -1")
    }
}
