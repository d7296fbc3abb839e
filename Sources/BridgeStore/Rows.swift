import BridgeCore
import GRDB

/// Column lists and row decoding shared by the queries.
///
/// Rows are decoded with GRDB's throwing `decode(_:forColumn:)`, so an unexpected NULL or type is an error,
/// never a trap.
enum Rows {
    /// The columns `deliverySummary(_:)` reads; `run_count` and `run_statuses` (the runs' statuses, comma-separated)
    /// are computed through `runs_by_delivery`.
    static let deliveryColumns = """
        d.id, d.source, d.forge, d.delivery_key, d.event_name, d.received_at, d.status, d.reason, d.duplicates,
        (SELECT COUNT(*) FROM runs r WHERE r.delivery_id = d.id) AS run_count,
        (SELECT group_concat(r.status) FROM runs r WHERE r.delivery_id = d.id) AS run_statuses
        """

    /// The columns `runSummary(_:)` reads.
    static let runColumns = """
        r.id, r.delivery_id, r.rule, r.environment, r.source, r.repository, r.ref, r.sha, r.status,
        r.created_at, r.updated_at
        """

    /// The columns `stepRecord(_:)` reads.
    static let stepColumns = """
        s.id, s.position, s.target, s.provider, s.parameters, s.resource, s.status, s.attempts, s.external_id, s.error,
        s.log, s.notes, s.started_at, s.finished_at
        """

    static func deliverySummary(_ row: Row) throws -> DeliverySummary {
        let forgeName = try row.decode(String.self, forColumn: "forge")
        guard let forge = Forge(rawValue: forgeName) else {
            throw StoreError.unavailable("delivery has an unknown forge")
        }
        return DeliverySummary(
            id: try row.decode(forColumn: "id"),
            source: try row.decode(forColumn: "source"),
            forge: forge,
            key: try row.decode(forColumn: "delivery_key"),
            eventName: try row.decode(forColumn: "event_name"),
            receivedAt: StoredTime.date(try row.decode(Int64.self, forColumn: "received_at")),
            status: try row.decode(forColumn: "status"),
            reason: try row.decode(forColumn: "reason"),
            duplicates: try row.decode(forColumn: "duplicates"),
            runCount: try row.decode(forColumn: "run_count"),
            runStatuses: try row.decode(String?.self, forColumn: "run_statuses").map(statusCounts) ?? [:]
        )
    }

    /// `succeeded,failed,succeeded` as `[succeeded: 2, failed: 1]`.
    static func statusCounts(_ list: String) -> [String: Int] {
        list.split(separator: ",").reduce(into: [:]) { counts, status in counts[String(status), default: 0] += 1 }
    }

    static func runSummary(_ row: Row) throws -> RunSummary {
        RunSummary(
            id: try row.decode(forColumn: "id"),
            deliveryID: try row.decode(forColumn: "delivery_id"),
            rule: try row.decode(forColumn: "rule"),
            environment: try row.decode(forColumn: "environment"),
            source: try row.decode(forColumn: "source"),
            repository: try row.decode(forColumn: "repository"),
            ref: try row.decode(forColumn: "ref"),
            sha: try row.decode(forColumn: "sha"),
            status: try row.decode(forColumn: "status"),
            createdAt: StoredTime.date(try row.decode(Int64.self, forColumn: "created_at")),
            updatedAt: StoredTime.date(try row.decode(Int64.self, forColumn: "updated_at"))
        )
    }

    static func stepRecord(_ row: Row) throws -> StepRecord {
        let id = try row.decode(Int64.self, forColumn: "id")
        let parameters = try row.decode(String.self, forColumn: "parameters")
        return StepRecord(
            id: id,
            position: try row.decode(forColumn: "position"),
            target: try row.decode(forColumn: "target"),
            provider: try row.decode(forColumn: "provider"),
            parameters: try StoredJSON.decode(ConfigValue.self, from: parameters, "parameters of step \(id)"),
            resource: try row.decode(forColumn: "resource"),
            status: try row.decode(forColumn: "status"),
            attempts: try row.decode(forColumn: "attempts"),
            externalID: try row.decode(forColumn: "external_id"),
            error: try row.decode(forColumn: "error"),
            log: try row.decode(forColumn: "log"),
            notes: try StoredJSON.decode([String].self, from: try row.decode(String.self, forColumn: "notes"), "notes of step \(id)"),
            startedAt: StoredTime.date(try row.decode(Int64?.self, forColumn: "started_at")),
            finishedAt: StoredTime.date(try row.decode(Int64?.self, forColumn: "finished_at"))
        )
    }

    static func recordedRun(_ row: Row) throws -> RecordedRun {
        RecordedRun(
            id: try row.decode(forColumn: "id"),
            rule: try row.decode(forColumn: "rule"),
            status: try row.decode(forColumn: "status")
        )
    }

    /// A column holding one of `T`'s raw values; any other value is an error that names the column.
    static func decode<T: RawRepresentable>(_ type: T.Type, _ row: Row, _ column: String) throws -> T where T.RawValue == String {
        let text = try row.decode(String.self, forColumn: column)
        guard let value = T(rawValue: text) else { throw StoreError.unavailable("unknown \(column) '\(text)'") }
        return value
    }

    /// `decode(_:_:_:)` for a column that may be NULL.
    static func decodeIfPresent<T: RawRepresentable>(_ type: T.Type, _ row: Row, _ column: String) throws -> T?
    where T.RawValue == String {
        guard try row.decode(String?.self, forColumn: column) != nil else { return nil }
        return try decode(type, row, column)
    }
}
