import BridgeCore
import Foundation
import PostgresNIO

/// Read-only queries for the command line and the admin API, and readiness.
extension PostgresDeliveryStore {
    static let deliveryColumns = Rows.deliveryColumns { "string_agg(\($0), ',')" }

    public func deliveries(_ query: DeliveryQuery) async throws(StoreError) -> Page<DeliverySummary> {
        let statement = ListSQL.deliveries(query, columns: Self.deliveryColumns)
        let rows = try await reading("list deliveries") { sql in
            try await sql.rows(statement.sql, statement.values).map(Rows.deliverySummary)
        }
        return Page(rows: rows, limit: query.limit, id: \.id)
    }

    public func delivery(id: Int64) async throws(StoreError) -> DeliveryDetail {
        let detail = try await reading("read delivery") { sql -> DeliveryDetail? in
            let select = "SELECT \(Self.deliveryColumns), \(Rows.deliveryDetailColumns) FROM deliveries d WHERE d.id = :id"
            guard let row = try await sql.row(select, ["id": .integer(id)]) else { return nil }
            let runs = try await sql.rows(
                "SELECT \(Rows.runColumns) FROM runs r WHERE r.delivery_id = :id ORDER BY r.id", ["id": .integer(id)])
            return try Rows.deliveryDetail(row, runs: try runs.map(Rows.runSummary))
        }
        guard let detail else { throw .notFound("delivery \(id)") }
        return detail
    }

    public func runs(_ query: RunQuery) async throws(StoreError) -> Page<RunSummary> {
        let statement = ListSQL.runs(query)
        let rows = try await reading("list runs") { sql in
            try await sql.rows(statement.sql, statement.values).map(Rows.runSummary)
        }
        return Page(rows: rows, limit: query.limit, id: \.id)
    }

    public func sourceActivity(sources: [String], since: Date) async throws(StoreError) -> [SourceActivity] {
        let last = ListSQL.lastDelivery(columns: Self.deliveryColumns)
        let from = StoredTime.milliseconds(since)
        return try await reading("read source activity") { sql in
            var activity: [SourceActivity] = []
            for source in sources {
                let row = try await sql.row(last, ["source": .text(source)])
                let count = try await sql.row(ListSQL.recentDeliveries, ["source": .text(source), "since": .integer(from)])
                activity.append(
                    SourceActivity(source: source, lastDelivery: try row.map(Rows.deliverySummary), recentDeliveries: try count?.int("count") ?? 0))
            }
            return activity
        }
    }

    public func queueCounts() async throws(StoreError) -> QueueCounts {
        try await reading("count the queue") { sql in
            let none: SQLValues = [:]
            guard let row = try await sql.row(ListSQL.queueCounts, none) else { throw StoreError.unavailable("the queue could not be counted") }
            return try Rows.queueCounts(row)
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
