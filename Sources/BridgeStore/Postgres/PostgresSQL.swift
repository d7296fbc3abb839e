import BridgeCore
import Logging
import PostgresNIO

/// One connection in a transaction (or not), running `StoreSQL`'s named statements.
struct PostgresSQL {
    let connection: PostgresConnection
    let logger: Logger

    /// Every row of the statement's result.
    func rows(_ sql: String, _ values: [String: PostgresValue] = [:]) async throws -> [PostgresRandomAccessRow] {
        try await connection.query(try .named(sql, values), logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// The first row of the result, nil when there is none.
    func row(_ sql: String, _ values: [String: PostgresValue] = [:]) async throws -> PostgresRandomAccessRow? {
        try await rows(sql, values).first
    }

    /// Runs a statement, its rows (if any) discarded.
    func execute(_ sql: String, _ values: [String: PostgresValue] = [:]) async throws {
        _ = try await connection.query(try .named(sql, values), logger: logger).collect()
    }

    /// Every row of a prepared statement's result (`PreparedStoreSQL`).
    func rows(_ statement: any PreparedStoreSQL.Type, _ values: SQLValues = [:]) async throws -> [PostgresRandomAccessRow] {
        try await preparedRows(statement, values.mapValues(\.postgres))
    }

    /// The first row of a prepared statement's result, nil when there is none.
    func row(_ statement: any PreparedStoreSQL.Type, _ values: SQLValues = [:]) async throws -> PostgresRandomAccessRow? {
        try await rows(statement, values).first
    }

    /// Runs a prepared statement, its rows (if any) discarded.
    func execute(_ statement: any PreparedStoreSQL.Type, _ values: SQLValues = [:]) async throws {
        _ = try await rows(statement, values)
    }

    private func preparedRows<Statement: PreparedStoreSQL>(
        _ statement: Statement.Type, _ values: [String: PostgresValue]
    ) async throws -> [PostgresRandomAccessRow] {
        var rows: [PostgresRandomAccessRow] = []
        for try await row in try await connection.execute(PreparedStoreStatement<Statement>(values: values), logger: logger) {
            rows.append(row)
        }
        return rows
    }
}

extension StoreError {
    /// A PostgreSQL failure during `operation`, with the server's own message and SQLSTATE; a `StoreError` thrown inside
    /// a transaction (a conflict, a record not found) passes through unchanged.
    init(postgres error: any Error, during operation: String) {
        switch error {
        case let error as StoreError:
            self = error
        case let error as PostgresTransactionError:
            self = StoreError(
                postgres: error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError ?? error, during: operation)
        case let error as PSQLError:
            if let info = error.serverInfo, let message = info[.message] {
                let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                self = .unavailable("\(operation): \(message)\(state)")
            } else {
                self = .unavailable("\(operation): \(error.code)")
            }
        default:
            self = .unavailable("\(operation): \(error)")
        }
    }
}
