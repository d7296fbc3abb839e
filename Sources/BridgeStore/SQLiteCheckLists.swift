import BridgeCore
import GRDB

/// The schema's CHECKs of a column against a list of values (`status IN ('queued', 'running', …)`, `Migrations`) as
/// SQLite stores them: each list spelled as comparisons, `(status = 'queued' OR status = 'running' OR …)`.
///
/// SQLite turns a list of three or more values into a temporary b-tree, built again each time a statement checks it:
/// 6 µs an INSERT into a table with one such CHECK, 3 µs with the comparisons (100,000 inserts, this machine). Every
/// delivery's inserts and every step's and run's status changes check one to three of them. The two spellings accept
/// and refuse the same values, NULL included (a CHECK passes when its expression is NULL, as `NULL IN (…)` and
/// `NULL = 'queued' OR …` both are).
///
/// The migrations keep the `IN` spelling, which PostgreSQL shares; SQLite's tables are respelled after migrating, as
/// SQLite documents for changing a CHECK without rebuilding its table (https://sqlite.org/lang_altertable.html,
/// "Making Other Kinds Of Table Schema Changes"): the tables' text in `sqlite_schema`, written under
/// `writable_schema`, then `schema_version` moved on so every connection reads the schema again. The respelling is
/// idempotent: a database already respelled, or one a later migration gave a new list, is handled at each opening.
enum SQLiteCheckLists {
    /// `column IN (value, value, …)` with literal values (quoted strings without quotes inside, or integers).
    nonisolated(unsafe) private static let list = /(?<column>[a-z_]+) IN \((?<values>(?:'[^']*'|-?[0-9]+)(?:, *(?:'[^']*'|-?[0-9]+))*)\)/
    /// One value of such a list.
    nonisolated(unsafe) private static let value = /'[^']*'|-?[0-9]+/

    /// `sql` with every list respelled as comparisons.
    static func respelled(_ sql: String) -> String {
        sql.replacing(list) { match in
            let column = match.output.column
            let comparisons = match.output.values.matches(of: value).map { "\(column) = \($0.output)" }
            return "(" + comparisons.joined(separator: " OR ") + ")"
        }
    }

    /// Respells the lists of every table of `db` that still has one, in one transaction; nothing when none has.
    static func respell(_ db: Database) throws {
        let tables = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL")
            .compactMap { row -> (name: String, sql: String)? in
                let name: String = row["name"]
                let sql: String = row["sql"]
                let respelled = respelled(sql)
                return respelled == sql ? nil : (name, respelled)
            }
        guard !tables.isEmpty else { return }
        try db.inTransaction {
            let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
            try db.execute(sql: "PRAGMA writable_schema = ON")
            for table in tables {
                try db.execute(sql: "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?", arguments: [table.sql, table.name])
            }
            try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
            try db.execute(sql: "PRAGMA writable_schema = OFF")
            // `quick_check`, not the documented `integrity_check`: only the schema's text changed, which both read
            // whole, and `integrity_check` also compares every index with its table, minutes on a large database.
            let problems = try String.fetchAll(db, sql: "PRAGMA quick_check")
            guard problems == ["ok"] else {
                throw StoreError.unavailable("respelling the schema's CHECKs failed SQLite's check: \(problems.prefix(3).joined(separator: "; "))")
            }
            return .commit
        }
    }
}
