import BridgeCore
import Foundation
import GRDB

/// Read-only queries for the command line and the admin API. They run on reader connections, so they
/// never wait for the writer. "Newest first" orders by id, which follows insertion order exactly even when
/// two records share a millisecond.
extension SQLiteDeliveryStore {
    static let deliveryColumns = Rows.deliveryColumns { "group_concat(\($0))" }

    /// A page of deliveries, newest first, with how many runs each created.
    public func deliveries(_ query: DeliveryQuery) async throws(StoreError) -> Page<DeliverySummary> {
        let statement = ListSQL.deliveries(query, columns: Self.deliveryColumns)
        let rows = try await reading("list deliveries") { db in
            try Row.fetchAll(db, sql: statement.sql, arguments: .init(statement.values)).map(Rows.deliverySummary)
        }
        return Page(rows: rows, limit: query.limit, id: \.id)
    }

    /// One delivery with the runs it created, oldest run first.
    public func delivery(id: Int64) async throws(StoreError) -> DeliveryDetail {
        let detail = try await reading("read delivery") { db -> DeliveryDetail? in
            let sql = "SELECT \(Self.deliveryColumns), \(Rows.deliveryDetailColumns) FROM deliveries d WHERE d.id = ?"
            guard let row = try Row.fetchOne(db, sql: sql, arguments: [id]) else { return nil }
            let runs = try Row.fetchAll(
                db, sql: "SELECT \(Rows.runColumns) FROM runs r WHERE r.delivery_id = ? ORDER BY r.id", arguments: [id])
            return try Rows.deliveryDetail(row, runs: try runs.map(Rows.runSummary))
        }
        guard let detail else { throw .notFound("delivery \(id)") }
        return detail
    }

    /// A page of runs, newest first.
    public func runs(_ query: RunQuery) async throws(StoreError) -> Page<RunSummary> {
        let statement = ListSQL.runs(query)
        let rows = try await reading("list runs") { db in
            try Row.fetchAll(db, sql: statement.sql, arguments: .init(statement.values)).map(Rows.runSummary)
        }
        return Page(rows: rows, limit: query.limit, id: \.id)
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

    /// Each source's newest delivery and its deliveries since `since`: two index reads per source.
    public func sourceActivity(sources: [String], since: Date) async throws(StoreError) -> [SourceActivity] {
        let last = ListSQL.lastDelivery(columns: Self.deliveryColumns)
        let from = StoredTime.milliseconds(since)
        return try await reading("read source activity") { db in
            try sources.map { source in
                let row = try Row.fetchOne(db, sql: last, arguments: ["source": source])
                let count = try Int.fetchOne(db, sql: ListSQL.recentDeliveries, arguments: ["source": source, "since": from]) ?? 0
                return SourceActivity(source: source, lastDelivery: try row.map(Rows.deliverySummary), recentDeliveries: count)
            }
        }
    }

    public func queueCounts() async throws(StoreError) -> QueueCounts {
        try await reading("count the queue") { db in
            guard let row = try Row.fetchOne(db, sql: ListSQL.queueCounts) else { throw StoreError.unavailable("the queue could not be counted") }
            return try Rows.queueCounts(row)
        }
    }
}
