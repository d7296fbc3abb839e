import BridgeCore
import Foundation
import GRDB
import PostgresNIO

/// A result row of either store, read by column name, so both stores decode their records with the same code (`Rows`).
///
/// Every accessor throws on an unexpected NULL or type: a record never traps.
protocol StoredRow {
    func string(_ column: String) throws -> String
    func optionalString(_ column: String) throws -> String?
    func int64(_ column: String) throws -> Int64
    func optionalInt64(_ column: String) throws -> Int64?
    /// A flag: SQLite's 0 or 1, PostgreSQL's BOOLEAN.
    func bool(_ column: String) throws -> Bool
}

extension StoredRow {
    func int(_ column: String) throws -> Int {
        Int(try int64(column))
    }

    func optionalInt(_ column: String) throws -> Int? {
        try optionalInt64(column).map { Int($0) }
    }

    /// A time column as a `Date`.
    func date(_ column: String) throws -> Date {
        StoredTime.date(try int64(column))
    }

    func optionalDate(_ column: String) throws -> Date? {
        StoredTime.date(try optionalInt64(column))
    }

    /// A column holding one of `T`'s raw values; any other value is an error that names the column.
    func value<T: RawRepresentable>(_ type: T.Type, _ column: String) throws -> T where T.RawValue == String {
        let text = try string(column)
        guard let value = T(rawValue: text) else { throw StoreError.unavailable("unknown \(column) '\(text)'") }
        return value
    }

    /// `value(_:_:)` for a column that may be NULL.
    func optionalValue<T: RawRepresentable>(_ type: T.Type, _ column: String) throws -> T? where T.RawValue == String {
        guard try optionalString(column) != nil else { return nil }
        return try value(type, column)
    }

    /// A JSON document column, decoded; the error names `what`, never the text.
    func json<T: Decodable>(_ type: T.Type, _ column: String, _ what: String) throws -> T {
        try StoredJSON.decode(type, from: try string(column), what)
    }

    /// A JSON document column, read (`StoredDocument`); the error names `what`, never the text.
    func document<T: StoredDocument>(_ type: T.Type, _ column: String, _ what: String) throws -> T {
        try StoredJSON.read(type, from: try string(column), what)
    }
}

extension Row: StoredRow {
    func string(_ column: String) throws -> String { try decode(forColumn: column) }
    func optionalString(_ column: String) throws -> String? { try decode(forColumn: column) }
    func int64(_ column: String) throws -> Int64 { try decode(forColumn: column) }
    func optionalInt64(_ column: String) throws -> Int64? { try decode(forColumn: column) }
    func bool(_ column: String) throws -> Bool { try decode(forColumn: column) }
}

extension PostgresRandomAccessRow: StoredRow {
    func string(_ column: String) throws -> String { try cell(column).decode(String.self) }
    func optionalString(_ column: String) throws -> String? { try cell(column).decode(String?.self) }
    func int64(_ column: String) throws -> Int64 { try cell(column).decode(Int64.self) }
    func optionalInt64(_ column: String) throws -> Int64? { try cell(column).decode(Int64?.self) }
    /// A BOOLEAN expression's value, or a 0-or-1 flag column's (the stores share the schema's integer flags).
    func bool(_ column: String) throws -> Bool {
        let cell = try cell(column)
        if cell.dataType == .bool { return try cell.decode(Bool.self) }
        return try cell.decode(Int64.self) != 0
    }

    private func cell(_ column: String) throws -> PostgresCell {
        guard contains(column) else { throw StoreError.unavailable("no column \(column) in the result") }
        return self[column]
    }
}
