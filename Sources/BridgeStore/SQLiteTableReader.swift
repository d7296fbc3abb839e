import BridgeCore
import GRDB

/// Reads a migrated SQLite store's tables in pages by id for `StoreCopy`, every page from one read transaction (a GRDB
/// `DatabaseSnapshot`): the copy sees the file as it was when the reader was made, even should a bridge still write to it.
struct SQLiteTableReader: Sendable {
    /// What the copy needs to know of a table before it copies it.
    struct Table: Sendable {
        let name: String
        /// Every column, in the table's order (`PRAGMA table_info`), so a later migration's columns come along unlisted.
        let columns: [String]
        let rowCount: Int
        /// The largest id the table ever handed out (nil: none): its largest id, or AUTOINCREMENT's sequence when the
        /// newest rows were deleted since, so that no id a user saw is handed out again.
        let highestID: Int64?
    }

    let path: String
    private let snapshot: DatabaseSnapshot

    /// Opens the file as `SQLiteDeliveryStore.openReadOnly` does (refusing a missing file, one that is not a migrated
    /// gitops-bridge database, or one a newer version wrote) and begins the read transaction.
    init(path: String) throws(StoreError) {
        let store = try SQLiteDeliveryStore.openReadOnly(path: path)
        defer { try? store.close() }
        self.path = path
        do {
            snapshot = try store.pool.makeSnapshot()
        } catch {
            throw StoreError(error, during: "cannot read database at \(path)")
        }
    }

    func table(_ name: String) async throws(StoreError) -> Table {
        try await reading { db in
            let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(name.quotedDatabaseIdentifier))").map { row -> String in row["name"] }
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(name.quotedDatabaseIdentifier)") ?? 0
            let largest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM \(name.quotedDatabaseIdentifier)")
            let sequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = ?", arguments: [name])
            let highest = [largest, sequence].compactMap { $0 }.max()
            return Table(name: name, columns: columns, rowCount: count, highestID: highest)
        }
    }

    /// The rows of `table` with an id above `after` (from the first when nil), in id order, as values in the order of
    /// `table.columns`: at most `limit` rows, and no more once they hold `byteBudget` bytes, so memory stays bounded
    /// however long the steps' logs are.
    func page(of table: Table, after: Int64?, limit: Int, byteBudget: Int) async throws(StoreError) -> [[SQLValue]] {
        let columns = table.columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
        let from = "SELECT \(columns) FROM \(table.name.quotedDatabaseIdentifier)"
        let sql = after == nil ? "\(from) ORDER BY id" : "\(from) WHERE id > ? ORDER BY id"
        let arguments: StatementArguments = after.map { [$0] } ?? []
        return try await reading { db in
            var rows: [[SQLValue]] = []
            var bytes = 0
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while rows.count < limit, bytes < byteBudget, let row = try cursor.next() {
                let values = try row.databaseValues.enumerated().map { index, value in
                    try SQLValue(copying: value, column: "\(table.name).\(table.columns[index])")
                }
                bytes += values.reduce(0) { $0 + $1.storedSize }
                rows.append(values)
            }
            return rows
        }
    }

    /// How many steps are `running` (a bridge stopped without finishing them).
    func runningSteps() async throws(StoreError) -> Int {
        try await reading { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM steps WHERE status = 'running'") ?? 0 }
    }

    private func reading<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await snapshot.read(body)
        } catch {
            throw StoreError(error, during: "cannot read database at \(path)")
        }
    }
}

extension SQLValue {
    /// A value read from SQLite, to be written elsewhere as it is: INTEGER, TEXT or NULL, the only storage classes the
    /// schema uses. Any other (REAL, BLOB) is refused, naming `column`.
    init(copying value: DatabaseValue, column: String) throws(StoreError) {
        switch value.storage {
        case .null: self = .text(nil)
        case .int64(let integer): self = .integer(integer)
        case .string(let text): self = .text(text)
        case .double, .blob: throw .unavailable("\(column) holds a value that is neither INTEGER nor TEXT; it cannot be copied")
        }
    }

    /// About how many bytes it takes in memory: a page's size is bounded by their sum.
    var storedSize: Int {
        switch self {
        case .text(let text): 8 + (text?.utf8.count ?? 0)
        case .integer: 8
        }
    }
}
