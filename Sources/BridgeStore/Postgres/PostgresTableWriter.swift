import BridgeCore
import Foundation
import PostgresNIO

/// Writes `StoreCopy`'s rows into PostgreSQL, on the connection of the copy's one transaction.
struct PostgresTableWriter {
    let sql: PostgresSQL

    /// The most parameters one statement may bind (the protocol counts them in 16 bits).
    static let maximumParameters = Int(UInt16.max)

    /// Locks the tables against every other writer until the transaction ends (readers still read): a replica started
    /// too early waits rather than writing between the emptiness check and the copy.
    func lock(_ tables: [String]) async throws {
        try await sql.execute("LOCK TABLE \(tables.map(Self.quoted).joined(separator: ", ")) IN EXCLUSIVE MODE")
    }

    func rowCount(of table: String) async throws -> Int {
        try await sql.row("SELECT COUNT(*) AS count FROM \(Self.quoted(table))")?.int("count") ?? 0
    }

    /// The table's columns in the current schema.
    func columns(of table: String) async throws -> [String] {
        try await sql.rows(
            "SELECT column_name::text AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = :table",
            ["table": .text(table)]
        ).map { try $0.string("name") }
    }

    /// Inserts `rows`, each holding the values of `columns` in order, in one statement, ids and all.
    func insert(_ rows: [[SQLValue]], into table: String, columns: [String]) async throws {
        guard !rows.isEmpty else { return }
        var bindings = PostgresBindings(capacity: rows.count * columns.count)
        var tuples: [String] = []
        tuples.reserveCapacity(rows.count)
        for row in rows {
            let first = bindings.count + 1
            for value in row {
                switch value {
                case .integer(let integer?): bindings.append(integer)
                case .text(let text?): bindings.append(text)
                case .integer(nil), .text(nil): bindings.appendNull()
                }
            }
            tuples.append("(" + (first..<first + row.count).map { "$\($0)" }.joined(separator: ", ") + ")")
        }
        let names = columns.map(Self.quoted).joined(separator: ", ")
        let statement = "INSERT INTO \(Self.quoted(table)) (\(names)) VALUES \(tuples.joined(separator: ", "))"
        _ = try await sql.connection.query(PostgresQuery(unsafeSQL: statement, binds: bindings), logger: sql.logger).collect()
    }

    /// Moves the table's identity sequence so that the next id it hands out is `id + 1`.
    func moveSequence(of table: String, past id: Int64) async throws {
        try await sql.execute(
            "SELECT setval(pg_get_serial_sequence(:table, 'id'), :id)", ["table": .text(Self.quoted(table)), "id": .integer(id)])
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
