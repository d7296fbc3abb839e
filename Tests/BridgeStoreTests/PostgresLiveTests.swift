import BridgeCore
import BridgeStore
import BridgeTestSupport
import Logging
import PostgresNIO
import Testing

/// The tests that connect to a real PostgreSQL: one throwaway cluster for all of them (on 127.0.0.1, TLS from a test
/// CA), each test with a database of its own.
@Suite(.postgresServer) struct PostgresLiveTests {
    static let logger = Logger(label: "postgres-tests") { _ in SwiftLogNoOpLogHandler() }

    /// The cluster's password, by an `env:` reference as an operator would give it.
    static func password(_ server: PostgresServer) throws -> PasswordSource {
        try PasswordSource.resolve(
            passwordFile: nil, passwordReference: "env:TEST_DB_PASSWORD", environment: ["TEST_DB_PASSWORD": server.password])
    }

    static func settings(_ url: String, _ password: PasswordSource) throws -> PostgresSettings {
        guard case .postgres(let settings) = try DatabaseLocation.parse(url, password: password) else {
            throw StoreError.invalidSettings("\(url) is not a PostgreSQL URL")
        }
        return settings
    }

    /// What the server says about the connection a client gets: whether it is TLS, and the application name.
    static func session(_ settings: PostgresSettings) async throws -> (tls: Bool, applicationName: String) {
        try await PostgresConnector.withClient(settings, logger: logger) { client in
            let rows = try await client.query(
                """
                SELECT s.ssl, a.application_name FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid
                WHERE s.pid = pg_backend_pid()
                """, logger: logger)
            for try await (tls, name) in rows.decode((Bool, String).self) { return (tls, name) }
            throw StoreError.notFound("this session in pg_stat_ssl")
        }
    }

    /// The reason connecting fails (`.unavailable`'s detail), or nil when it does not.
    static func failure(_ settings: PostgresSettings) async -> String? {
        do {
            try await PostgresConnector.checkConnection(settings, logger: logger)
            return nil
        } catch .unavailable(let detail) {
            return detail
        } catch {
            return "unexpected \(error)"
        }
    }
}
