import BridgeCore
import Logging

/// Copies a SQLite store into an empty PostgreSQL database (`gitops-bridge migrate`, issue 10), so that moving to
/// several replicas loses no history.
///
/// - The SQLite file is opened read-only and refused when missing, not a migrated gitops-bridge database, or written by
///   a newer version (`SQLiteDeliveryStore.openReadOnly`); it is read from one read transaction, so the copy is of one
///   moment even should a bridge still write to it (it should not: what it writes afterwards is not copied).
/// - The PostgreSQL database is migrated to the same schema (`PostgresDeliveryStore.open`), then written in ONE
///   transaction, its tables locked against other writers: refused, with nothing written, when any table holds a row;
///   else every column of every row (the columns read from SQLite's schema, so a later migration's are copied too) with
///   its id as it is, each identity sequence moved past the largest id the file ever handed out, and the row counts
///   checked against the file's before the commit.
public enum StoreCopy {
    /// What a copy copies, parents before children (the foreign keys' order).
    public enum Table: String, Sendable, Hashable, CaseIterable {
        case deliveries
        case runs
        case steps
        case statusOutbox = "status_outbox"
        /// The redeliveries recovery asked the forges for (v8). `recovery_passes` is not copied: the first pass on
        /// PostgreSQL looks back as far as the forges keep their logs, and what is recorded is never redelivered.
        case redeliveries
    }

    /// Rows read and inserted at a time: at most this many, and no more once they hold `pageBytes` bytes.
    static let pageRows = 1000
    static let pageBytes = 8 << 20

    /// Copies the SQLite file at `path` into the PostgreSQL database of `settings`; throws `StoreError.conflict` when the
    /// target is not empty, `.unavailable` when either database cannot be read or written. Either way no record is copied
    /// (the target may be left migrated, and its sequences moved: `setval` is not undone by a rollback, which is harmless).
    public static func copy(from path: String, to settings: PostgresSettings, logger: Logger) async throws(StoreError) -> Summary {
        let source = try SQLiteTableReader(path: path)
        var tables: [SQLiteTableReader.Table] = []
        for table in Table.allCases { tables.append(try await source.table(table.rawValue)) }
        let runningSteps = try await source.runningSteps()
        let store = try await PostgresDeliveryStore.open(settings, logger: logger)
        let target = settings.redacted
        do {
            try await store.transaction("copy \(path) into \(target)") { [tables] sql in
                let writer = PostgresTableWriter(sql: sql)
                try await writer.lock(tables.map(\.name))
                try await refuseNonEmpty(writer, tables: tables, target: target)
                for table in tables { try await copy(table, from: source, to: writer) }
                try await verify(writer, tables: tables)
            }
        } catch {
            await store.shutDown()
            throw error
        }
        await store.shutDown()
        let rows = Dictionary(uniqueKeysWithValues: zip(Table.allCases, tables.map(\.rowCount)))
        return Summary(source: path, target: target, rows: rows, runningSteps: runningSteps)
    }

    /// Fails, naming every table that holds rows and how many, unless all are empty.
    private static func refuseNonEmpty(_ writer: PostgresTableWriter, tables: [SQLiteTableReader.Table], target: String) async throws {
        var held: [String] = []
        for table in tables {
            let count = try await writer.rowCount(of: table.name)
            if count > 0 { held.append("\(table.name) holds \(count) row\(count == 1 ? "" : "s")") }
        }
        guard held.isEmpty else {
            throw StoreError.conflict(
                "the PostgreSQL database \(target) is not empty (\(held.joined(separator: ", "))): migrate copies only into an "
                    + "empty database, and wrote nothing")
        }
    }

    /// Copies one table page by page, then moves its identity sequence past the largest id the file handed out.
    private static func copy(_ table: SQLiteTableReader.Table, from source: SQLiteTableReader, to writer: PostgresTableWriter) async throws {
        try await checkColumns(table, writer: writer)
        guard let idIndex = table.columns.firstIndex(of: "id") else { throw StoreError.unavailable("\(table.name) has no id column") }
        let limit = max(1, min(pageRows, PostgresTableWriter.maximumParameters / max(1, table.columns.count)))
        var after: Int64?
        while true {
            let rows = try await source.page(of: table, after: after, limit: limit, byteBudget: pageBytes)
            guard let last = rows.last else { break }
            try await writer.insert(rows, into: table.name, columns: table.columns)
            guard case .integer(let id?) = last[idIndex] else { throw StoreError.unavailable("\(table.name) has a row without an id") }
            after = id
        }
        // An empty table's sequence is left as it is: it starts at 1, and setval refuses 0.
        if let highest = table.highestID, highest > 0 { try await writer.moveSequence(of: table.name, past: highest) }
    }

    /// Fails unless PostgreSQL has the same columns (both are migrated by this binary, so only a hand-made change differs).
    private static func checkColumns(_ table: SQLiteTableReader.Table, writer: PostgresTableWriter) async throws {
        let columns = try await writer.columns(of: table.name)
        let missing = table.columns.filter { !columns.contains($0) }
        let extra = columns.filter { !table.columns.contains($0) }
        guard missing.isEmpty && extra.isEmpty else {
            let differences =
                missing.map { "\($0) is only in the SQLite file" } + extra.map { "\($0) is only in the PostgreSQL database" }
            throw StoreError.unavailable("the columns of \(table.name) differ: \(differences.joined(separator: ", "))")
        }
    }

    /// Fails (and so rolls the copy back) unless each table holds as many rows as the file's.
    private static func verify(_ writer: PostgresTableWriter, tables: [SQLiteTableReader.Table]) async throws {
        for table in tables {
            let copied = try await writer.rowCount(of: table.name)
            guard copied == table.rowCount else {
                throw StoreError.unavailable(
                    "copy check failed: \(table.name) holds \(copied) rows in PostgreSQL, \(table.rowCount) in the SQLite file; "
                        + "nothing was written")
            }
        }
    }
}
