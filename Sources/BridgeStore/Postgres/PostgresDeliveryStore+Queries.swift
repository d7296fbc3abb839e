import BridgeCore
import PostgresNIO

/// Read-only queries for the command line and the admin API, and readiness.
extension PostgresDeliveryStore {
    static let deliveryColumns = Rows.deliveryColumns { "string_agg(\($0), ',')" }

    public func deliveries(limit: Int, source: String?) async throws(StoreError) -> [DeliverySummary] {
        let filter = source == nil ? "" : "WHERE d.source = :source"
        return try await reading("list deliveries") { sql in
            try await sql.rows(
                "SELECT \(Self.deliveryColumns) FROM deliveries d \(filter) ORDER BY d.id DESC LIMIT :limit",
                ["source": .text(source), "limit": .int(max(0, limit))]
            ).map(Rows.deliverySummary)
        }
    }

    public func delivery(id: Int64) async throws(StoreError) -> DeliveryDetail {
        let detail = try await reading("read delivery") { sql -> DeliveryDetail? in
            guard let row = try await sql.row("SELECT \(Self.deliveryColumns) FROM deliveries d WHERE d.id = :id", ["id": .integer(id)])
            else { return nil }
            let runs = try await sql.rows(
                "SELECT \(Rows.runColumns) FROM runs r WHERE r.delivery_id = :id ORDER BY r.id", ["id": .integer(id)])
            return DeliveryDetail(summary: try Rows.deliverySummary(row), runs: try runs.map(Rows.runSummary))
        }
        guard let detail else { throw .notFound("delivery \(id)") }
        return detail
    }

    public func runs(limit: Int, status: String?) async throws(StoreError) -> [RunSummary] {
        let filter = status == nil ? "" : "WHERE r.status = :status"
        return try await reading("list runs") { sql in
            try await sql.rows(
                "SELECT \(Rows.runColumns) FROM runs r \(filter) ORDER BY r.id DESC LIMIT :limit",
                ["status": .text(status), "limit": .int(max(0, limit))]
            ).map(Rows.runSummary)
        }
    }

    public func run(id: Int64) async throws(StoreError) -> RunDetail {
        let detail = try await reading("read run") { sql -> RunDetail? in
            guard let row = try await sql.row("SELECT \(Rows.runColumns), r.event, r.notes FROM runs r WHERE r.id = :id", ["id": .integer(id)])
            else { return nil }
            let steps = try await sql.rows(
                "SELECT \(Rows.stepColumns) FROM steps s WHERE s.run_id = :id ORDER BY s.position", ["id": .integer(id)])
            let updates = try await sql.rows(StoreSQL.runStatusUpdates, ["id": .integer(id)])
            return try Rows.runDetail(row, steps: try steps.map(Rows.stepRecord), statusUpdates: try updates.map(Rows.statusUpdateRecord))
        }
        guard let detail else { throw .notFound("run \(id)") }
        return detail
    }

    /// Ready when a delivery can be recorded now: a transaction that writes a delivery row and takes it back commits
    /// (a read-only standby, a full disk or a lost server fail it). Nothing is left behind.
    public func checkReady() async throws(StoreError) {
        try await transaction("probe a delivery write") { sql in
            try await sql.execute(
                """
                INSERT INTO deliveries (id, source, forge, delivery_key, event_name, received_at, status, reason)
                VALUES (-1, '', '', 'readiness-probe', '', 0, 'ignored', NULL)
                """)
            try await sql.execute("DELETE FROM deliveries WHERE id = -1")
        }
    }
}
