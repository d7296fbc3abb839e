import BridgeCore
import BridgeStore
import BridgeTestSupport
import PostgresNIO
import Testing

extension PostgresLiveTests {
    /// A client for the life of a body, or of a long-lived owner; and what a server that is not there says.
    @Suite struct PostgresClientLifetimeTests {
        @Test func withClientRunsQueriesAndApplicationName() async throws {
            let server = try SharedPostgres.server()
            let url = server.url(database: try await server.createDatabase()) + "&application_name=bridge-eu-1"
            #expect(try await session(settings(url, try password(server))).applicationName == "bridge-eu-1")
        }

        @Test func aRunningClientServesUntilClosed() async throws {
            let server = try SharedPostgres.server()
            let settings = try settings(server.url(database: try await server.createDatabase()), try password(server))
            let running = try await RunningPostgresClient.open(settings, logger: logger)
            for _ in 0..<3 {
                let rows = try await running.client.query("SELECT 1", logger: logger)
                var values: [Int] = []
                for try await value in rows.decode(Int.self) { values.append(value) }
                #expect(values == [1])
            }
            await running.close()
            await #expect(throws: (any Error).self) { try await running.client.query("SELECT 1", logger: logger) }
        }

        @Test func aPortNobodyListensOn() async throws {
            let closed = try ClosedPort()
            let url = "postgres://bridge@127.0.0.1:\(closed.port)/deliveries?sslmode=disable"
            let failure = await failure(try settings(url, .none))
            #expect(
                failure == "cannot connect to PostgreSQL at 127.0.0.1:\(closed.port) as user bridge, database deliveries: "
                    + "connection refused (is PostgreSQL running and listening on 127.0.0.1:\(closed.port)?)")
            await #expect(throws: StoreError.self) { _ = try await RunningPostgresClient.open(try settings(url, .none), logger: logger) }
        }

        /// A server that takes the connection and never answers: the connect timeout covers TLS and authentication too.
        @Test func aServerThatNeverAnswersTimesOut() async throws {
            let silent = try SilentPort()
            let url = "postgres://bridge@127.0.0.1:\(silent.port)/deliveries?connect_timeout=1"
            let started = ContinuousClock.now
            let failure = await failure(try settings(url, .none))
            #expect(failure?.hasSuffix("no connection within connect_timeout (1 s)") == true, "\(failure ?? "")")
            // Far under a hang, with room for a loaded machine (CI once took 5.3 s for this 1 s timeout).
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }
}
