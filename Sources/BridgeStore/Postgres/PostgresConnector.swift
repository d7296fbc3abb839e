import BridgeCore
import Logging
import PostgresNIO

/// Opens PostgresNIO clients for the settings, checking first that the server can be reached at all.
///
/// A `PostgresClient` only works while its `run()` runs, and a failed connection never reaches a query: its pool retries
/// with backoff and, after 60 s without a connection, fails what waits with "circuit breaker tripped", the reason only
/// logged. So before a client starts, one plain connection is opened and closed: a wrong host, password or CA fails
/// at once, with the server's or TLS's own reason (`StoreError.unavailable`).
public enum PostgresConnector {
    /// Runs `body` with a client whose `run()` is a child task, cancelled (closing the client) once `body` is done.
    public static func withClient<T>(
        _ settings: PostgresSettings, logger: Logger, isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = try await makeClient(settings, logger: logger)
        return try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// A client for the settings, not yet running, once a first connection has succeeded.
    static func makeClient(_ settings: PostgresSettings, logger: Logger) async throws(StoreError) -> PostgresClient {
        let configuration = try settings.clientConfiguration()
        try await checkConnection(settings, logger: logger)
        return PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    /// Opens one connection (TCP, TLS, authentication) and closes it again; throws `.unavailable` with the reason
    /// when that fails or takes longer than the connect timeout (which PostgresNIO applies to all of it).
    public static func checkConnection(_ settings: PostgresSettings, logger: Logger) async throws(StoreError) {
        let configuration = try settings.connectionConfiguration()
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try? await connection.close()
        } catch {
            throw StoreError(connectingTo: settings, error)
        }
    }
}
