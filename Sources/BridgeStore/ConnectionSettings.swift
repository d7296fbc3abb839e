/// The SQLite settings one connection of the store runs with, read back from the connection itself.
public struct ConnectionSettings: Sendable, Hashable {
    /// Which connection of the pool.
    public enum Role: String, Sendable, Hashable {
        /// The single connection that writes.
        case writer
        /// A connection that only reads (the pool keeps several).
        case reader
    }

    /// `PRAGMA journal_mode`: `wal` for this store.
    public var journalMode: String
    /// `PRAGMA synchronous`: 2 (FULL) for this store, so an acknowledged webhook survives a power loss.
    public var synchronous: Int
    /// `PRAGMA foreign_keys`.
    public var foreignKeys: Bool
    /// `PRAGMA busy_timeout`, in milliseconds.
    public var busyTimeoutMilliseconds: Int
    /// `PRAGMA temp_store`: 2 (MEMORY) for this store, so statement journals never spill into files.
    public var tempStore: Int

    /// Creates settings.
    public init(journalMode: String, synchronous: Int, foreignKeys: Bool, busyTimeoutMilliseconds: Int, tempStore: Int = 0) {
        self.journalMode = journalMode
        self.synchronous = synchronous
        self.foreignKeys = foreignKeys
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.tempStore = tempStore
    }
}
