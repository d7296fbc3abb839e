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
}

extension StoreError {
    /// A PostgreSQL failure during `operation`, with the server's own message and SQLSTATE; a `StoreError` thrown inside
    /// a transaction (a conflict, a record not found) passes through unchanged.
    init(postgres error: any Error, during operation: String) {
        switch error {
        case let error as StoreError:
            self = error
        case let error as PostgresTransactionError:
            self = StoreError(postgres: error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError ?? error, during: operation)
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
