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
public final class PostgresDeliveryStore: BridgeDatabase {
    let client: PostgresClient
    let logger: Logger
    /// The client this store runs, when it opened one itself (`open`): closed by `shutDown`.
    let running: RunningPostgresClient?
    /// Deliveries arriving together share a transaction (`writeBatch`).
    let groupCommit: GroupCommitWriter<EncodedDelivery, RecordOutcome>

    /// The advisory lock every claim holds for its transaction ("gitops-c" in ASCII).
    static let claimLock: Int64 = 0x6769_746f_7073_2d63

    /// A store on a running client; migrates the database first (`PostgresSchema`), or with `migrate: false` only checks
    /// that it is migrated and not newer than this binary.
    public convenience init(client: PostgresClient, logger: Logger, migrate: Bool = true) async throws(StoreError) {
        try await self.init(client: client, running: nil, logger: logger, migrate: migrate)
    }

    private init(client: PostgresClient, running: RunningPostgresClient?, logger: Logger, migrate: Bool) async throws(StoreError) {
        self.client = client
        self.running = running
        self.logger = logger
        groupCommit = GroupCommitWriter { batch in await Self.writeBatch(batch, client: client, logger: logger) }
        do {
            try await PostgresSchema.prepare(client, migrate: migrate, logger: logger)
        } catch {
            throw StoreError(postgres: error, during: migrate ? "migrate the PostgreSQL database" : "open the PostgreSQL database")
        }
    }

    /// Connects (failing at once, with the reason, when the server cannot be reached or refuses us) and opens the store
    /// on a client of its own, closed by `shutDown`.
    public static func open(_ settings: PostgresSettings, logger: Logger, migrate: Bool = true) async throws(StoreError) -> PostgresDeliveryStore {
        let running = try await RunningPostgresClient.open(settings, logger: logger)
        do {
            return try await PostgresDeliveryStore(client: running.client, running: running, logger: logger, migrate: migrate)
        } catch {
            await running.close()
            throw error
        }
    }

    /// Closes the client `open` started.
    public func shutDown() async {
        await running?.close()
    }

    public var announcesWork: Bool { true }

    /// Runs `body` in one transaction; nothing is kept unless it returns.
    func transaction<T: Sendable>(
        _ operation: String, _ body: @Sendable (PostgresSQL) async throws -> T
    ) async throws(StoreError) -> T {
        try await Self.transaction(operation, client: client, logger: logger, body)
    }

    static func transaction<T: Sendable>(
        _ operation: String, client: PostgresClient, logger: Logger, _ body: @Sendable (PostgresSQL) async throws -> T
    ) async throws(StoreError) -> T {
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
