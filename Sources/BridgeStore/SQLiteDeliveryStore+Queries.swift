import BridgeCore
import GRDB

/// Read-only queries for the command line and the admin API. They run on reader connections, so they
/// never wait for the writer. "Newest first" orders by id, which follows insertion order exactly even when
/// two records share a millisecond.
extension SQLiteDeliveryStore {
    static let deliveryColumns = Rows.deliveryColumns { "group_concat(\($0))" }

    /// Recent deliveries, newest first, with how many runs each created; `limit` below 1 gives none.
    public func deliveries(limit: Int, source: String?) async throws(StoreError) -> [DeliverySummary] {
        var sql = "SELECT \(Self.deliveryColumns) FROM deliveries d"
        var arguments: StatementArguments = []
        if let source {
            sql += " WHERE d.source = ?"
            arguments += [source]
        }
        sql += " ORDER BY d.id DESC LIMIT ?"
        arguments += [max(0, limit)]
        return try await reading("list deliveries") { [sql, arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(Rows.deliverySummary)
        }
    }

    /// One delivery with the runs it created, oldest run first.
    public func delivery(id: Int64) async throws(StoreError) -> DeliveryDetail {
        let detail = try await reading("read delivery") { db -> DeliveryDetail? in
            let sql = "SELECT \(Self.deliveryColumns) FROM deliveries d WHERE d.id = ?"
            guard let row = try Row.fetchOne(db, sql: sql, arguments: [id]) else { return nil }
            let runs = try Row.fetchAll(
                db, sql: "SELECT \(Rows.runColumns) FROM runs r WHERE r.delivery_id = ? ORDER BY r.id", arguments: [id])
            return DeliveryDetail(summary: try Rows.deliverySummary(row), runs: try runs.map(Rows.runSummary))
        }
        guard let detail else { throw .notFound("delivery \(id)") }
        return detail
    }

    /// Recent runs, newest first, optionally of one status; `limit` below 1 gives none.
    public func runs(limit: Int, status: String?) async throws(StoreError) -> [RunSummary] {
        var sql = "SELECT \(Rows.runColumns) FROM runs r"
        var arguments: StatementArguments = []
        if let status {
            sql += " WHERE r.status = ?"
            arguments += [status]
        }
        sql += " ORDER BY r.id DESC LIMIT ?"
        arguments += [max(0, limit)]
        return try await reading("list runs") { [sql, arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(Rows.runSummary)
        }
    }

    /// One run with its event, notes and steps in order.
    public func run(id: Int64) async throws(StoreError) -> RunDetail {
        let detail = try await reading("read run") { db -> RunDetail? in
            let sql = "SELECT \(Rows.runColumns), r.event, r.notes FROM runs r WHERE r.id = ?"
            guard let row = try Row.fetchOne(db, sql: sql, arguments: [id]) else { return nil }
            let steps = try Row.fetchAll(
                db, sql: "SELECT \(Rows.stepColumns) FROM steps s WHERE s.run_id = ? ORDER BY s.position", arguments: [id])
            let updates = try Row.fetchAll(db, sql: StoreSQL.runStatusUpdates, arguments: ["id": id])
            return try Rows.runDetail(row, steps: try steps.map(Rows.stepRecord), statusUpdates: try updates.map(Rows.statusUpdateRecord))
        }
        guard let detail else { throw .notFound("run \(id)") }
        return detail
    }
}
