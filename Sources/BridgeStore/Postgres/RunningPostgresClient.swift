import BridgeCore
import Logging
import PostgresNIO

/// A `PostgresClient` kept running for the life of a long-lived owner, such as the store, which holds one for the
/// process: `run()` is a task this object owns, cancelled by `close()` (or when the object goes away unclosed).
///
/// An unstructured task rather than a `ServiceGroup` service, because the store is opened by commands that run no
/// service group (`runs`, `deliveries`) as well as by `serve`, and its owner is the one thing that knows when it is
/// done with the database. `PostgresConnector.withClient` is the structured form for a client needed for one body.
public final class RunningPostgresClient: Sendable {
    /// The client: queries, `withConnection`, `withTransaction`.
    public let client: PostgresClient
    private let runTask: Task<Void, Never>

    private init(client: PostgresClient, started: CheckedContinuation<Void, Never>) {
        self.client = client
        runTask = Task {
            // `run()` marks the client running before it first suspends, so by the time the opener resumes from this
            // signal the client takes queries without warning that `run()` was not called yet.
            started.resume()
            await client.run()
        }
    }

    deinit {
        runTask.cancel()
    }

    /// Opens a client once one connection to the server has succeeded; throws `.unavailable` with the reason otherwise.
    public static func open(_ settings: PostgresSettings, logger: Logger) async throws(StoreError) -> RunningPostgresClient {
        let client = try await PostgresConnector.makeClient(settings, logger: logger)
        var running: RunningPostgresClient?
        await withCheckedContinuation { started in running = RunningPostgresClient(client: client, started: started) }
        // Safety: the continuation resumes only from the task the initializer started, after `running` was assigned.
        return running!
    }

    /// Closes the client: its connections close, and queries after this fail. Returns once it has shut down.
    public func close() async {
        runTask.cancel()
        await runTask.value
    }
}
