import BridgeCore

/// The ledger's statements (`RedeliveryLedger`), the same for both stores.
enum RedeliverySQL {
    static let recorded = "SELECT 1 AS found FROM deliveries WHERE source = :source AND delivery_key = :key"
    static let count = "SELECT COUNT(*) AS count FROM redeliveries WHERE source = :source AND delivery_key = :key"
    static let insert = """
        INSERT INTO redeliveries (source, delivery_key, forge_delivery_id, requested_at, outcome, detail)
        VALUES (:source, :key, :forge_delivery_id, :requested_at, :outcome, :detail)
        """
    static let lastPass = "SELECT finished_at FROM recovery_passes WHERE source = :source"
    static let recordPass = """
        INSERT INTO recovery_passes (source, finished_at) VALUES (:source, :finished_at)
        ON CONFLICT (source) DO UPDATE SET finished_at = excluded.finished_at
        """
    /// Whether a delivery arrived as a redelivery (a column of delivery lists).
    static let recoveredColumn =
        "(SELECT COUNT(*) FROM redeliveries x WHERE x.source = d.source AND x.delivery_key = d.delivery_key AND x.outcome = 'requested') AS redelivery_count"

    static func keyValues(_ source: String, _ key: String) -> SQLValues {
        ["source": .text(source), "key": .text(key)]
    }
}

extension RedeliveryRecord {
    /// The values of `RedeliverySQL.insert`.
    var values: SQLValues {
        [
            "source": .text(source), "key": .text(key), "forge_delivery_id": .text(forgeDeliveryID),
            "requested_at": .integer(StoredTime.milliseconds(requestedAt)), "outcome": .text(outcome), "detail": .text(detail),
        ]
    }
}
