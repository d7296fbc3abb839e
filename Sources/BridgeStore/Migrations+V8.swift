/// v8: the ledger of redeliveries asked of the forges (delivery recovery), and when each source was last recovered.
extension Migrations {
    /// One row per redelivery the bridge asked a forge for.
    ///
    /// Invariants:
    /// - (source, delivery_key) names the delivery as the bridge records it (`deliveries.delivery_key`); a key has at most
    ///   `RecoveryPlan.maxAttempts` rows, so a delivery is asked for a bounded number of times over all passes.
    /// - A delivery recorded with a key that has a row here arrived as a redelivery: it is shown as recovered.
    /// - `outcome` `requested` (the forge accepted) or `failed` (`detail` has the forge's answer, never a credential).
    static let v8Redeliveries = """
        CREATE TABLE redeliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL,
            delivery_key TEXT NOT NULL,
            forge_delivery_id TEXT NOT NULL,
            requested_at INTEGER NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('requested', 'failed')),
            detail TEXT
        );
        CREATE INDEX redeliveries_by_key ON redeliveries (source, delivery_key);
        """

    /// When each source's last recovery pass finished: the next pass at start-up looks back to it.
    static let v8RecoveryPasses = """
        CREATE TABLE recovery_passes (
            source TEXT PRIMARY KEY,
            finished_at INTEGER NOT NULL
        );
        """
}
