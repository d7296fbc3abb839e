import BridgeCore
import Foundation
import GRDB

/// The SQLite `DeliveryStore`: one database file in WAL mode, through a GRDB `DatabasePool`
/// (one writer connection, several concurrent readers).
///
/// Every connection runs with `synchronous = FULL` (a commit that acknowledges a webhook survives a power
/// loss), `foreign_keys = ON` and a busy timeout, so another process on the same file (the CLI) waits for
/// the lock instead of failing at once.
public final class SQLiteDeliveryStore: DeliveryStore {
    /// The database file's path.
    public let path: String
    let pool: DatabasePool
    /// Every write of this store goes through it (`writing`), so concurrent writes share commits.
    let groupCommit: GroupCommit
    /// Whether deliveries could be written lately (for `checkReady`).
    let health = WriteHealth()

    /// How long a connection waits for another one's lock before failing.
    static let busyTimeout: TimeInterval = 5

    /// Opens the database at `path`, creating it and its parent directories when missing, and migrates it.
    public init(path: String) throws(StoreError) {
        self.path = path
        try Self.createParentDirectory(of: path)
        do {
            let pool = try DatabasePool(path: path, configuration: Self.configuration(readonly: false))
            self.pool = pool
            groupCommit = GroupCommit { [health] writer in Self.drain(writer, pool: pool, health: health) }
            // GRDB sets `synchronous = NORMAL` on the writer when it enables WAL, after `prepareDatabase`
            // ran: set FULL again. The writer connection lives as long as the pool, so once is enough.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try Migrations.migrator.migrate(pool)
            try pool.writeWithoutTransaction { db in try SQLiteCheckLists.respell(db) }
        } catch {
            throw StoreError(error, during: "cannot open database at \(path)")
        }
    }

    /// Opens an existing, migrated database at `path` for reading only: it never creates nor migrates a file.
    ///
    /// For the command line's `deliveries` and `runs`, which must say so rather than create an empty database.
    public static func openReadOnly(path: String) throws(StoreError) -> SQLiteDeliveryStore {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unavailable("no database at \(path)")
        }
        guard !isDirectory.boolValue else {
            throw .unavailable("\(path) is a directory, not a database")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration(readonly: true))
        } catch {
            throw StoreError(error, during: "cannot open database at \(path)")
        }
        let store = SQLiteDeliveryStore(path: path, pool: pool)
        try store.checkSchema()
        return store
    }

    private init(path: String, pool: DatabasePool) {
        self.path = path
        self.pool = pool
        self.groupCommit = GroupCommit { [health] writer in Self.drain(writer, pool: pool, health: health) }
    }

    /// Closes every connection; later calls fail with `StoreError.unavailable`.
    public func close() throws(StoreError) {
        health.record(.unavailable("database closed"))
        do {
            try pool.close()
        } catch {
            throw StoreError(error, during: "cannot close database")
        }
    }

    /// The settings the writer connection or a reader connection runs with (for tests and diagnostics).
    public func connectionSettings(_ role: ConnectionSettings.Role) async throws(StoreError) -> ConnectionSettings {
        switch role {
        case .writer:
            do {
                return try await pool.writeWithoutTransaction { db in try Self.settings(db) }
            } catch {
                throw StoreError(error, during: "read connection settings")
            }
        case .reader:
            return try await reading("read connection settings") { db in try Self.settings(db) }
        }
    }
}

extension SQLiteDeliveryStore {
    /// Runs `body` on a reader connection, in a read-only transaction, translating every failure.
    func reading<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(StoreError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw StoreError(error, during: operation)
        }
    }

    /// Runs `body` in a write transaction, translating every failure; nothing of it is kept unless it returns. It
    /// shares the transaction (and its commit) with the writes submitted with it (`GroupCommitWriter`), each in
    /// submission order, so it sees what those before it wrote, as it would in a transaction of its own after theirs.
    func writing<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(StoreError) -> T {
        let value = try await groupCommit.submit(SQLiteWrite(operation: operation) { db in try body(db) })
        guard let value = value as? T else { throw .unavailable("\(operation): unexpected outcome") }
        return value
    }

    static func configuration(readonly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readonly
        configuration.foreignKeysEnabled = true
        // Readers get GRDB's own 10 s: in WAL they only meet a lock during recovery or checkpoint-on-close.
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            // Readers and a read-only writer keep this; the writer of a writable pool is set again in init.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Statement journals in memory: a group commit runs many statements in one transaction, and from the second
            // on each keeps the pages it changes in a statement journal, which by default spills past 64 KiB into a file
            // under /var/tmp (a write call a page, measured). What they hold is small and lives for one statement.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        return configuration
    }

    private static func createParentDirectory(of path: String) throws(StoreError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .unavailable("cannot create directory \(directory.path)")
        }
    }

    /// Fails unless the database holds exactly the migrations this version knows.
    private func checkSchema() throws(StoreError) {
        let migrator = Migrations.migrator
        let (completed, superseded): (Bool, Bool)
        do {
            (completed, superseded) = try pool.read { db in
                (try migrator.hasCompletedMigrations(db), try migrator.hasBeenSuperseded(db))
            }
        } catch {
            throw StoreError(error, during: "cannot read database at \(path)")
        }
        if superseded {
            throw .unavailable("database at \(path) was written by a newer version of gitops-bridge")
        }
        if !completed {
            throw .unavailable("database at \(path) is not a gitops-bridge database or is not migrated yet")
        }
    }

    private static func settings(_ db: Database) throws -> ConnectionSettings {
        ConnectionSettings(
            journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
            synchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1,
            foreignKeys: try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false,
            busyTimeoutMilliseconds: try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? -1,
            tempStore: try Int.fetchOne(db, sql: "PRAGMA temp_store") ?? -1
        )
    }
}
