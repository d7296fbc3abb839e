import BridgeCore
import BridgeStore
import BridgeTestSupport
import Foundation
import GRDB
import Logging
import PostgresNIO
import Synchronization
import Testing

/// The stores the conformance suite runs every test body against (`@Test(arguments: StoreKind.allCases)`).
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// A store of either kind on a database of its own: a SQLite file in a temporary directory, or a fresh database on the
/// test process's PostgreSQL cluster (`ProcessPostgres`). Tests read what the store wrote through a connection of their
/// own (`count`, `strings`), in SQL both engines accept.
final class TestStore: Sendable {
    let kind: StoreKind
    let store: any BridgeDatabase
    private let backing: Backing

    private enum Backing {
        case sqlite(TemporaryDirectory, path: String)
        case postgres(settings: PostgresSettings, client: RunningPostgresClient)
    }

    static let logger = Logger(label: "store-tests") { _ in SwiftLogNoOpLogHandler() }

    init(_ kind: StoreKind) async throws {
        self.kind = kind
        switch kind {
        case .sqlite:
            let directory = try TemporaryDirectory()
            let path = directory.path("bridge.sqlite")
            store = try SQLiteDeliveryStore(path: path)
            backing = .sqlite(directory, path: path)
        case .postgres:
            let settings = try await Self.freshDatabase()
            let client = try await RunningPostgresClient.open(settings, logger: Self.logger)
            store = try await PostgresDeliveryStore(client: client.client, logger: Self.logger)
            backing = .postgres(settings: settings, client: client)
        }
    }

    /// Settings for a new database on the process's cluster, over TLS with the test CA.
    static func freshDatabase() async throws -> PostgresSettings {
        let server = try await ProcessPostgres.server()
        let database = try await server.createDatabase()
        let password = try PasswordSource.resolve(passwordFile: nil, passwordReference: nil, environment: ["PGPASSWORD": server.password])
        guard case .postgres(let settings) = try DatabaseLocation.parse(server.url(database: database), password: password) else {
            throw StoreError.unavailable("not a PostgreSQL URL")
        }
        return settings
    }

    /// Another store on the same database: a second process beside the bridge, or another replica.
    func another() async throws -> any BridgeDatabase {
        switch backing {
        case .sqlite(_, let path):
            return try SQLiteDeliveryStore(path: path)
        case .postgres(let settings, _):
            let client = try await RunningPostgresClient.open(settings, logger: Self.logger)
            let store = try await PostgresDeliveryStore(client: client.client, logger: Self.logger)
            clients.withLock { $0.append(client) }
            return store
        }
    }

    /// The clients of `another()`'s stores, kept running as long as this object.
    private let clients = Mutex<[RunningPostgresClient]>([])

    /// The first column of every row of `sql`, as text.
    func strings(_ sql: String) async throws -> [String] {
        switch backing {
        case .sqlite(_, let path):
            var configuration = Configuration()
            configuration.readonly = true
            return try await DatabaseQueue(path: path, configuration: configuration).read { db in try String.fetchAll(db, sql: sql) }
        case .postgres(_, let client):
            return try await client.client.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger).collect().map { row in
                guard let cell = row.first(where: { _ in true }) else { return "" }
                switch cell.dataType {
                case .int2, .int4, .int8: return String(try cell.decode(Int64.self))
                default: return try cell.decode(String.self)
                }
            }
        }
    }

    /// Runs `sql`, a change a test makes behind the store's back.
    func execute(_ sql: String) async throws {
        switch backing {
        case .sqlite(_, let path):
            try await DatabaseQueue(path: path).write { db in try db.execute(sql: sql) }
        case .postgres(_, let client):
            try await client.client.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger)
        }
    }

    /// How many rows `table` holds.
    func count(_ table: String) async throws -> Int {
        Int(try await strings("SELECT COUNT(*) FROM \(table)").first ?? "") ?? -1
    }
}
