import BridgeCore
import BridgeStore
import BridgeTestSupport
import Foundation
import GRDB
import Testing

/// What `StoreCopy` refuses, and that a refusal writes nothing.
@Suite struct StoreCopyRefusalTests {
    /// A file that is not a gitops-bridge database this binary can read, and what the refusal says of it.
    enum Foreign: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case missing, directory, notSQLite, otherSQLite, newer

        var testDescription: String { rawValue }

        /// Makes the file at `path`.
        func make(at path: String) async throws {
            switch self {
            case .missing: break
            case .directory: try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            case .notSQLite: try Data(String(repeating: "not a database\n", count: 100).utf8).write(to: URL(fileURLWithPath: path))
            case .otherSQLite:
                try await DatabaseQueue(path: path).write { db in try db.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)") }
            case .newer:
                try SQLiteDeliveryStore(path: path).close()
                try await DatabaseQueue(path: path).write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')") }
            }
        }

        var says: String {
            switch self {
            case .missing: "no database at"
            case .directory: "is a directory, not a database"
            case .notSQLite: "file is not a database"
            case .otherSQLite: "is not a gitops-bridge database or is not migrated yet"
            case .newer: "was written by a newer version of gitops-bridge"
            }
        }
    }

    @Test(arguments: Foreign.allCases)
    func aFileThatIsNotABridgeDatabaseIsRefusedBeforeTheTargetIsTouched(_ foreign: Foreign) async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bridge.sqlite")
        try await foreign.make(at: path)
        let settings = try await TestStore.freshDatabase()

        let error = await #expect(throws: StoreError.self) { try await StoreCopy.copy(from: path, to: settings, logger: TestStore.logger) }

        guard case .unavailable(let message) = error else { throw StoreError.conflict("expected unavailable, got \(String(describing: error))") }
        #expect(message.contains(foreign.says), "\(message)")
        #expect(message.contains(path), "\(message)")
        #expect(try await RawRows.tableCount(settings) == 0)
    }

    @Test func aTargetHoldingRecordsIsRefusedAndLeftAsItWas() async throws {
        let source = try await CopySource.make()
        let settings = try await TestStore.freshDatabase()
        let target = try await PostgresDeliveryStore.open(settings, logger: TestStore.logger)
        _ = try await target.record(CopySource.delivery("already-here", [WorkFixture.run("x", sha: WorkFixture.sha(50))]))
        let before = try await Self.contents(settings)

        let error = await #expect(throws: StoreError.self) { try await StoreCopy.copy(from: source.path, to: settings, logger: TestStore.logger) }

        guard case .conflict(let message) = error else { throw StoreError.conflict("expected conflict, got \(String(describing: error))") }
        #expect(message.contains("is not empty (deliveries holds 1 row, runs holds 1 row, steps holds 1 row)"), "\(message)")
        #expect(message.contains(settings.redacted) && message.contains("wrote nothing"), "\(message)")
        #expect(try await Self.contents(settings) == before)
        #expect(try await target.deliveries(limit: 10, source: nil).map(\.key) == ["already-here"])
        await target.shutDown()
    }

    @Test func aTargetWhoseColumnsDifferIsRefused() async throws {
        let source = try await CopySource.make()
        let settings = try await TestStore.freshDatabase()
        try await DatabaseQueue(path: source.path).write { db in try db.execute(sql: "ALTER TABLE runs ADD COLUMN approved_by TEXT") }

        let error = await #expect(throws: StoreError.self) { try await StoreCopy.copy(from: source.path, to: settings, logger: TestStore.logger) }

        #expect(
            error?.description.contains("the columns of runs differ: approved_by is only in the SQLite file") == true, "\(String(describing: error))")
        for table in StoreCopyTests.tables { #expect(try await RawRows.postgres(settings, table).isEmpty, "\(table)") }
    }

    /// Every table's rows, to see that a refusal changed nothing.
    static func contents(_ settings: PostgresSettings) async throws -> [RawRows.Rows] {
        var contents: [RawRows.Rows] = []
        for table in StoreCopyTests.tables { contents.append(try await RawRows.postgres(settings, table)) }
        return contents
    }
}
