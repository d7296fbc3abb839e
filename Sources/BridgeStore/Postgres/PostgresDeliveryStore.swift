import BridgeCore
import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL `DeliveryStore` and `WorkQueue`, for several replicas sharing one database (issue 10, DESIGN §9).
///
/// It runs the same statements as the SQLite store (`StoreSQL`) and asks `RunLifecycle` for every decision; what it adds
/// is what several writers at once need, where SQLite has one writer:
/// - Uniqueness rests on the same UNIQUE constraints: `INSERT … ON CONFLICT DO NOTHING` waits for a concurrent insert
///   of the same key to commit, then inserts nothing, so a delivery or a push reaching two replicas at once is
///   recorded once.
/// - Every transaction that changes a run locks the run's row first (`SELECT … FOR UPDATE`), then its steps, so two
///   replicas (or the CLI) never decide from the same state, and locks are always taken in one order (no deadlock).
/// - Claims are serialised across replicas by a transaction-level advisory lock (`claimLock`): one claim at a time, as
///   under SQLite's write lock, which makes "one running step per resource" hold without predicate locks. A claim takes
///   a few milliseconds, so the cluster claims hundreds of steps a second, far beyond what deployments need.
/// - Outbox rows are claimed with `FOR UPDATE SKIP LOCKED`.
/// - Changes that may give another replica work are announced with `NOTIFY` (`PostgresWorkChannel`).
public final class PostgresDeliveryStore: DeliveryStore, WorkQueue {
    let client: PostgresClient
    let logger: Logger

    /// The advisory lock every claim holds for its transaction ("gitops-c" in ASCII).
    static let claimLock: Int64 = 0x6769_746f_7073_2d63

    /// A store on a running client; migrates the database first (`PostgresSchema`).
    public init(client: PostgresClient, logger: Logger) async throws(StoreError) {
        self.client = client
        self.logger = logger
        do {
            try await PostgresSchema.migrate(client, logger: logger)
        } catch {
            throw StoreError(postgres: error, during: "migrate the PostgreSQL database")
        }
    }

    /// Runs `body` in one transaction; nothing is kept unless it returns.
    func transaction<T: Sendable>(
        _ operation: String, _ body: @Sendable (PostgresSQL) async throws -> T
    ) async throws(StoreError) -> T {
        let logger = logger
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await body(PostgresSQL(connection: connection, logger: logger))
            }
        } catch {
            throw StoreError(postgres: error, during: operation)
        }
    }

    /// Runs `body` on a connection outside a transaction (a read: each statement sees what was committed when it began).
    func reading<T: Sendable>(_ operation: String, _ body: @Sendable (PostgresSQL) async throws -> T) async throws(StoreError) -> T {
        let logger = logger
        do {
            return try await client.withConnection { connection in
                try await body(PostgresSQL(connection: connection, logger: logger))
            }
        } catch {
            throw StoreError(postgres: error, during: operation)
        }
    }
}
