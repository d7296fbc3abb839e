import BridgeCore
import Foundation
import Logging

/// An open store of either kind: what `serve` and the commands that read or change records work with.
public protocol BridgeDatabase: DeliveryStore, WorkQueue, RedeliveryLedger {
    /// Whether other processes' changes are announced (`listenForWork`); SQLite's are not (one bridge per file: its
    /// worker polls for what the CLI changed).
    var announcesWork: Bool { get }
    /// Calls `onWork` whenever another process may have given this one work, until the task is cancelled.
    func listenForWork(_ onWork: @escaping @Sendable () -> Void) async
    /// Closes the store (its connections); later calls fail with `StoreError.unavailable`.
    func shutDown() async
}

/// Opens the store `--database` names.
public enum BridgeDatabases {
    /// Opens the store for `serve`: a SQLite file is created when missing; both kinds are migrated.
    public static func open(_ location: DatabaseLocation, logger: Logger) async throws(StoreError) -> any BridgeDatabase {
        switch location {
        case .sqlite(let path): try SQLiteDeliveryStore(path: path)
        case .postgres(let settings): try await PostgresDeliveryStore.open(settings, logger: logger)
        }
    }

    /// Opens an existing, migrated store for the commands (`deliveries`, `runs`): never creates nor migrates one, and
    /// refuses a database written by a newer version. `readOnly` opens a SQLite file read-only.
    public static func openExisting(_ location: DatabaseLocation, readOnly: Bool, logger: Logger) async throws(StoreError) -> any BridgeDatabase {
        switch location {
        case .sqlite(let path): try readOnly ? SQLiteDeliveryStore.openReadOnly(path: path) : SQLiteDeliveryStore.openExisting(path: path)
        case .postgres(let settings): try await PostgresDeliveryStore.open(settings, logger: logger, migrate: false)
        }
    }
}

extension SQLiteDeliveryStore: BridgeDatabase {
    public var announcesWork: Bool { false }

    public func listenForWork(_ onWork: @escaping @Sendable () -> Void) async {}

    public func shutDown() async {
        try? close()
    }

    /// Opens an existing file to change its records (`runs retry`, `runs cancel`); never creates one.
    public static func openExisting(path: String) throws(StoreError) -> SQLiteDeliveryStore {
        guard FileManager.default.fileExists(atPath: path) else { throw .unavailable("no database at \(path)") }
        return try SQLiteDeliveryStore(path: path)
    }
}
