import BridgeCore
import BridgeStore
import Foundation
import GRDB
import Testing

@Suite("Schema and connection settings")
struct SchemaTests {
    private func columns(of table: String, in path: String) throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read { db in try db.columns(in: table).map(\.name) }
    }

    private func migrations(in path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
    }

    @Test func migrationsCreateTheSchemaOnAFreshFileInNewDirectories() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("nested/deeper/bridge.sqlite")
        _ = try SQLiteDeliveryStore(path: path)

        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try migrations(in: path) == ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"])
        #expect(
            try columns(of: "deliveries", in: path) == [
                "id", "source", "forge", "delivery_key", "event_name", "received_at", "status", "reason", "duplicates",
                "headers", "events", "repository", "duplicate_of_runs",
            ])
        #expect(
            try columns(of: "runs", in: path) == [
                "id", "delivery_id", "rule", "environment", "source", "forge", "repository", "ref", "ref_kind", "ref_name",
                "sha", "project_id", "event", "notes", "status", "created_at", "updated_at", "started_at", "finished_at",
                "cancel_requested", "forge_deployment_id", "reported_status", "retried_at", "report", "last_reported",
            ])
        #expect(
            try columns(of: "steps", in: path) == [
                "id", "run_id", "position", "target", "provider", "parameters", "status", "attempts", "external_id",
                "error", "log", "lease_owner", "lease_expires_at", "next_attempt_at", "created_at", "updated_at",
                "started_at", "finished_at", "process_id", "process_start_ticks", "process_boot_id", "process_started_at",
                "process_attempt", "notes", "resource",
            ])
        #expect(
            try columns(of: "status_outbox", in: path) == [
                "id", "run_id", "reporter", "target_status", "payload", "attempts", "next_attempt_at", "created_at",
                "sent_at", "last_error", "abandoned_at", "claimed_by", "claim_expires_at",
            ])
    }

    @Test func reopeningKeepsTheSchemaAndData() async throws {
        let directory = try TemporaryDirectory()
        let first = try Fixtures.store(in: directory)
        _ = try await first.record(Fixtures.delivery())
        try first.close()

        let second = try Fixtures.store(in: directory)
        let third = try Fixtures.store(in: directory)
        #expect(try migrations(in: directory.path("bridge.sqlite")) == ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"])
        #expect(try await second.deliveries(limit: 10, source: nil).count == 1)
        #expect(try await third.runs(limit: 10, status: nil).count == 1)
    }

    @Test(arguments: [ConnectionSettings.Role.writer, .reader])
    func connectionsRunInWALWithFullSync(role: ConnectionSettings.Role) async throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(in: directory)
        let settings = try await store.connectionSettings(role)
        #expect(settings.journalMode == "wal")
        #expect(settings.synchronous == 2)
        #expect(settings.foreignKeys)
        #expect(settings.busyTimeoutMilliseconds >= 5000)
        #expect(settings.tempStore == 2)
    }

    @Test func everyReaderConnectionRunsWithFullSync() async throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(in: directory)
        // Enough overlapping reads to make the pool open several reader connections.
        let settings = try await withThrowingTaskGroup(of: ConnectionSettings.self) { group in
            for _ in 0..<20 {
                group.addTask { try await store.connectionSettings(.reader) }
            }
            return try await group.reduce(into: [ConnectionSettings]()) { $0.append($1) }
        }
        #expect(settings.count == 20)
        #expect(settings.allSatisfy { $0.journalMode == "wal" && $0.synchronous == 2 && $0.foreignKeys && $0.tempStore == 2 })
    }

    @Test func readOnlyStoreConnectionsRunInWALWithFullSync() async throws {
        let directory = try TemporaryDirectory()
        _ = try Fixtures.store(in: directory)
        let store = try SQLiteDeliveryStore.openReadOnly(path: directory.path("bridge.sqlite"))
        for role in [ConnectionSettings.Role.writer, .reader] {
            let settings = try await store.connectionSettings(role)
            #expect(settings.journalMode == "wal")
            #expect(settings.synchronous == 2)
        }
    }

    @Test func storeIsReachable() async throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(in: directory)
        try await store.checkReady()
        try store.close()
        await #expect(throws: StoreError.self) { try await store.checkReady() }
    }
}
