import BridgeCore

/// Where the bridge keeps its records: a SQLite file of its own, or a PostgreSQL database that several replicas share.
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresSettings)

    /// Reads `--database`: text beginning `postgres://` or `postgresql://` is a PostgreSQL URL (with `password` as its
    /// password), anything else the path of a SQLite file.
    public static func parse(_ text: String, password: PasswordSource) throws(StoreError) -> DatabaseLocation {
        guard PostgresSettings.isURL(text) else {
            if case .flag = password {
                // The text is not echoed: a mistyped URL may hold a password.
                throw .invalidSettings(
                    "a database password was given, but the database is a SQLite file: only a postgres:// URL takes one")
            }
            return .sqlite(path: text)
        }
        return .postgres(try PostgresSettings(url: text, password: password.secret))
    }
}
