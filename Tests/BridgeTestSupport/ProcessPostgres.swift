/// One PostgreSQL cluster for the whole test process, started on first use and shared by every suite that runs a store
/// test against PostgreSQL (each test makes a database of its own on it). Its watchdog stops it and removes its directory
/// when the test process ends.
public enum ProcessPostgres {
    private static let cluster = Task { try await PostgresServer.start() }

    /// The process's cluster, started if it was not yet.
    public static func server() async throws -> PostgresServer {
        try await cluster.value
    }
}
