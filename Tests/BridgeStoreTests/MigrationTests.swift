import BridgeCore
import Foundation
import GRDB
import Testing

@testable import BridgeStore

@Suite("Migration v2")
struct MigrationTests {
    /// A file written by the schema of migration `version` (v1 by default): one GitLab delivery with a queued
    /// two-step run.
    static func oldDatabase(at path: String, version: String = "v1") throws {
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: version)
        let event = WorkFixture.event().configValue.jsonText
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO deliveries (source, forge, delivery_key, event_name, received_at, status)
                    VALUES ('shop', 'gitlab', 'old-key', 'Push Hook', 1, 'queued');
                    INSERT INTO runs (delivery_id, rule, environment, source, forge, repository, ref, ref_kind, ref_name,
                        sha, project_id, event, notes, status, created_at, updated_at)
                    VALUES (1, 'deploy', 'staging', 'shop', 'gitlab', 'acme/shop', 'refs/heads/main', 'branch', 'main',
                        ?, '42', ?, '[]', 'queued', 1, 1);
                    INSERT INTO steps (run_id, position, target, provider, parameters, status, created_at, updated_at)
                    VALUES (1, 1, 'backend', 'command', '{}', 'pending', 1, 1),
                           (1, 2, 'api', 'command', '{}', 'pending', 1, 1);
                    """,
                arguments: [WorkFixture.sha(1), event])
        }
    }

    private func strings(_ sql: String, at path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: sql) }
    }

    @Test func aV1DatabaseIsUpgradedAndItsQueuedRunsRun() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bridge.sqlite")
        try Self.oldDatabase(at: path)

        let store = try SQLiteDeliveryStore(path: path)
        let step = try #require(try await store.claimNextStep(owner: "w", now: WorkFixture.at(0), lease: .seconds(30)))

        #expect(step.runID == 1)
        #expect(step.deliveryKey == "old-key")
        #expect(step.stepCount == 2)
        #expect(step.event == WorkFixture.event())
        let applied = try strings("SELECT identifier FROM grdb_migrations", at: path)
        #expect(applied == ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"])
        #expect(step.resource == "backend")
        #expect(try strings("SELECT cancel_requested FROM runs", at: path) == ["0"])
        #expect(try strings("SELECT target_status FROM status_outbox", at: path) == ["running"])
    }

    @Test func theNewColumnsRejectValuesOutsideTheirSet() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bridge.sqlite")
        try Self.oldDatabase(at: path)
        _ = try SQLiteDeliveryStore(path: path)
        let queue = try DatabaseQueue(path: path)

        #expect(throws: DatabaseError.self) {
            try queue.write { db in try db.execute(sql: "UPDATE runs SET cancel_requested = 2") }
        }
        #expect(throws: DatabaseError.self) {
            try queue.write { db in try db.execute(sql: "UPDATE runs SET reported_status = 'succeeded'") }
        }
        #expect(throws: DatabaseError.self) {
            try queue.write { db in try db.execute(sql: "UPDATE runs SET last_reported = 'succeeded'") }
        }
    }

    @Test(arguments: [
        (nil as ForgeDeploymentStatus?, ForgeDeploymentStatus.running, true),
        (.running, .running, false), (.failed, .running, true), (.success, .running, true), (.canceled, .running, true),
        (nil, .success, false), (nil, .canceled, false), (.running, .success, true), (.running, .failed, true),
        (.running, .canceled, true), (.failed, .canceled, false), (.success, .failed, false),
    ])
    func theOutboxEnqueuesOnlyLegalGitLabTransitions(
        reported: ForgeDeploymentStatus?, next: ForgeDeploymentStatus, allowed: Bool
    ) {
        #expect(StatusReporterKind.all["gitlab"]?.accepts(next, after: reported) == allowed)
    }
}
