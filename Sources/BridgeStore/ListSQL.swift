import BridgeCore
import Foundation

/// The admin lists' statements, the same for both stores: only the filters given become conditions (never
/// `:x IS NULL OR …`, which hides the index from the planner), each on a column indexed with `id` after it
/// (`Migrations.v7ListIndexes`), and the cursor is `id < :before`, so a page reads one index range backwards.
/// One row more than the limit is read to tell whether a next page exists.
enum ListSQL {
    /// A `SELECT` and its parameters.
    struct Statement {
        var sql: String
        var values: SQLValues
    }

    static func deliveries(_ query: DeliveryQuery, columns: String) -> Statement {
        var filter = Filter(alias: "d")
        filter.equal("source", query.source)
        filter.equal("status", query.status)
        filter.equal("repository", query.repository)
        filter.range("received_at", since: query.since, until: query.until)
        filter.before(query.before)
        return filter.statement(select: "SELECT \(columns) FROM deliveries d", limit: query.limit)
    }

    static func runs(_ query: RunQuery) -> Statement {
        var filter = Filter(alias: "r")
        filter.equal("source", query.source)
        filter.equal("status", query.status)
        filter.equal("environment", query.environment)
        filter.equal("repository", query.repository)
        filter.equal("rule", query.rule)
        filter.range("created_at", since: query.since, until: query.until)
        filter.before(query.before)
        return filter.statement(select: "SELECT \(Rows.runColumns) FROM runs r", limit: query.limit)
    }

    /// A source's newest delivery (through `deliveries_by_source`, read backwards).
    static func lastDelivery(columns: String) -> String {
        "SELECT \(columns) FROM deliveries d WHERE d.source = :source ORDER BY d.id DESC LIMIT 1"
    }

    /// How many deliveries a source received since `:since` (through `deliveries_by_source_time`).
    static let recentDeliveries = "SELECT COUNT(*) AS count FROM deliveries WHERE source = :source AND received_at >= :since"

    /// Runs waiting and running (through `runs_by_status`), and the pending steps of active runs.
    static let queueCounts = """
        SELECT
            (SELECT COUNT(*) FROM runs WHERE status = 'queued') AS queued_runs,
            (SELECT COUNT(*) FROM runs WHERE status = 'running') AS running_runs,
            (SELECT COUNT(*) FROM steps s JOIN runs r ON r.id = s.run_id
             WHERE s.status = 'pending' AND r.status IN ('queued', 'running')) AS pending_steps
        """

    /// The conditions of one list.
    struct Filter {
        let alias: String
        var conditions: [String] = []
        var values: SQLValues = [:]

        mutating func equal(_ column: String, _ value: String?) {
            guard let value else { return }
            conditions.append("\(alias).\(column) = :\(column)")
            values[column] = .text(value)
        }

        mutating func range(_ column: String, since: Date?, until: Date?) {
            if let since {
                conditions.append("\(alias).\(column) >= :since")
                values["since"] = .integer(StoredTime.milliseconds(since))
            }
            if let until {
                conditions.append("\(alias).\(column) < :until")
                values["until"] = .integer(StoredTime.milliseconds(until))
            }
        }

        mutating func before(_ id: Int64?) {
            guard let id else { return }
            conditions.append("\(alias).id < :before")
            values["before"] = .integer(id)
        }

        func statement(select: String, limit: Int) -> Statement {
            var sql = select
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY \(alias).id DESC LIMIT :limit"
            var values = values
            values["limit"] = .int(max(0, limit) + 1)
            return Statement(sql: sql, values: values)
        }
    }
}
