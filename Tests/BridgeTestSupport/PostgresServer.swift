import Foundation
import Glibc
import Logging
import PostgresNIO

/// A throwaway PostgreSQL cluster: `initdb` in a fresh temporary directory, then `postgres` as a child process on
/// `127.0.0.1` and a free port, with TLS from a test CA (certificate for `localhost` and `127.0.0.1`),
/// scram-sha-256 password authentication over TCP, and fsync on (durability is tested against it).
///
/// ```swift
/// try await withPostgresServer { server in
///     let database = try await server.createDatabase()
///     let settings = try PostgresSettings(url: server.url(database: database), password: …)
/// }
/// ```
///
/// As root (here and in CI) `initdb` and `postgres` run as the `postgres` user, which Debian's package creates, through
/// `setpriv`, which execs rather than forks: the child process is the postmaster itself, and stopping it stops the
/// cluster. A watchdog (`sh`) stops the server and removes the directory should the test process die without `stop()`.
public final class PostgresServer: Sendable {
    /// The superuser `initdb` creates; the tests connect as it.
    public static let superuser = "bridge_test"
    public var superuser: String { Self.superuser }
    /// Its password (random): scram-sha-256 over TCP; local (socket) connections are trusted.
    public let password: String
    public let port: Int
    /// The test CA's certificate: what `sslrootcert` names for `verify-ca`/`verify-full`.
    public let caPath: String
    /// The cluster's temporary directory: data, certificates, socket and log.
    public let directory: String
    private let process: SpawnedProcess
    private let watchdog: SpawnedProcess

    /// Why the cluster could not be started.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    init(password: String, port: Int, caPath: String, directory: String, process: SpawnedProcess, watchdog: SpawnedProcess) {
        self.password = password
        self.port = port
        self.caPath = caPath
        self.directory = directory
        self.process = process
        self.watchdog = watchdog
    }

    /// A URL for a database of this cluster as the superuser (the password is passed by reference, never in it).
    /// `sslrootcert` is the test CA for the modes that check the certificate.
    public func url(database: String, sslmode: String = "verify-full", host: String = "127.0.0.1") -> String {
        let rootCertificate = sslmode.hasPrefix("verify-") ? "&sslrootcert=\(caPath)" : ""
        return "postgres://\(superuser)@\(host):\(port)/\(database)?sslmode=\(sslmode)\(rootCertificate)"
    }

    /// A fresh database `test_<random>`, for a test of its own; returns its name.
    public func createDatabase() async throws -> String {
        let name = "test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        // The Unix socket of the directory, as the superuser: trusted, so this needs neither TLS nor the password.
        let configuration = PostgresConnection.Configuration(
            unixSocketPath: "\(directory)/.s.PGSQL.\(port)", username: superuser, password: nil, database: "postgres")
        let logger = Logger(label: "postgres-server") { _ in SwiftLogNoOpLogHandler() }
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        return name
    }

    /// Stops the cluster (fast shutdown: connections are closed) and removes its directory.
    public func stop() async {
        await Self.shutDown(process)
        await watchdog.terminate(grace: .seconds(2))
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// SIGINT is PostgreSQL's fast shutdown (what `pg_ctl stop -m fast` sends); SIGQUIT its immediate shutdown; SIGKILL
    /// last, since it leaves the server's children to notice on their own that the postmaster is gone.
    static func shutDown(_ process: SpawnedProcess) async {
        guard process.isRunning else { return }
        kill(process.pid, SIGINT)
        if await process.waitForExit(timeout: .seconds(10)) { return }
        kill(process.pid, SIGQUIT)
        if await process.waitForExit(timeout: .seconds(5)) { return }
        await process.terminate(grace: .zero)
    }
}

/// Runs `body` with a PostgreSQL cluster, and stops it afterwards whatever happens.
public func withPostgresServer<T>(
    certificateNames: String = TestCertificateAuthority.loopbackNames, isolation: isolated (any Actor)? = #isolation,
    _ body: (PostgresServer) async throws -> T
) async throws -> T {
    let server = try await PostgresServer.start(certificateNames: certificateNames)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
