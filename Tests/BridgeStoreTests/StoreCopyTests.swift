import BridgeCore
import BridgeStore
import BridgeTestSupport
import Foundation
import GRDB
import Testing

/// `StoreCopy` (`gitops-bridge migrate`): a SQLite store copied into PostgreSQL answers as it did, and the bridge goes on
/// from where it stopped.
@Suite struct StoreCopyTests {
    static let tables = StoreCopy.Table.allCases.map(\.rawValue)

    /// What a store answers the command line: every list, every delivery and every run.
    struct Answers: Equatable {
        var deliveries: [DeliverySummary]
        var bySource: [DeliverySummary]
        var deliveryDetails: [DeliveryDetail]
        var runs: [RunSummary]
        var failedRuns: [RunSummary]
        var runDetails: [RunDetail]

        init(_ store: any DeliveryStore) async throws {
            deliveries = try await store.deliveries(limit: 1000, source: nil)
            bySource = try await store.deliveries(limit: 3, source: "shop")
            var details: [DeliveryDetail] = []
            for delivery in deliveries { details.append(try await store.delivery(id: delivery.id)) }
            deliveryDetails = details
            runs = try await store.runs(limit: 1000, status: nil)
            failedRuns = try await store.runs(limit: 1000, status: "failed")
            var runDetails: [RunDetail] = []
            for run in runs { runDetails.append(try await store.run(id: run.id)) }
            self.runDetails = runDetails
        }
    }

    @Test func aCopyAnswersExactlyAsTheSQLiteStoreDid() async throws {
        let source = try await CopySource.make()
        let before = try await Answers(SQLiteDeliveryStore.openReadOnly(path: source.path))
        let settings = try await TestStore.freshDatabase()

        let summary = try await StoreCopy.copy(from: source.path, to: settings, logger: TestStore.logger)

        let rows = try Self.tables.map { try RawRows.sqlite(source.path, $0).count }
        #expect(summary.rows == Dictionary(uniqueKeysWithValues: zip(StoreCopy.Table.allCases, rows)))
        #expect(summary.rows[.deliveries] == 11 && summary.rows[.runs] == 9 && summary.rows[.steps] == 10)
        #expect(summary.runningSteps == 2)
        #expect(
            summary.description.hasPrefix(
                "copied 11 deliveries, 9 runs, 10 steps, \(rows[3]) status updates, 1 redelivery request from \(source.path) to "))
        #expect(summary.description.contains(settings.redacted))
        #expect(summary.description.contains("2 steps were running"))
        #expect(!summary.description.contains(settings.password?.text ?? "no password"))
        let copy = try await PostgresDeliveryStore.open(settings, logger: TestStore.logger)
        #expect(try await Answers(copy) == before)
        for table in Self.tables {
            let copied = try await RawRows.postgres(settings, table)
            #expect(copied == (try RawRows.sqlite(source.path, table)), "\(table)")
        }
        await copy.shutDown()
    }

    /// Columns the API does not show, spelled out, so that a copy that dropped one cannot pass by comparing NULL to NULL.
    @Test func theColumnsOnlyTheWorkerReadsAreCopied() async throws {
        let source = try await CopySource.make()
        let settings = try await TestStore.freshDatabase()
        _ = try await StoreCopy.copy(from: source.path, to: settings, logger: TestStore.logger)

        let runs = try await RawRows.postgres(settings, "runs")
        #expect(runs.contains { $0.text("forge_deployment_id") == "gl-101" })
        #expect(runs.contains { $0.text("cancel_requested") == "1" })
        #expect(runs.contains { $0.text("retried_at") != nil })
        #expect(Set(runs.compactMap { $0.text("last_reported") }) == ["running", "success", "failed"])
        #expect(runs.allSatisfy { $0.text("report")?.contains("reporters") == true })
        let steps = try await RawRows.postgres(settings, "steps")
        #expect(steps.contains { $0.text("process_id") == "4242" && $0.text("process_boot_id") == "boot-1" && $0.text("status") == "running" })
        #expect(steps.contains { $0.text("external_id") == "d-ABC123" && $0.text("notes")?.contains("pid 77") == true })
        #expect(steps.filter { $0.text("lease_owner") == "w1" }.count == 2)
        let outbox = try await RawRows.postgres(settings, "status_outbox")
        #expect(outbox.contains { $0.text("sent_at") != nil })
        #expect(outbox.contains { $0.text("abandoned_at") != nil && $0.text("last_error") == "404 Not Found" })
        #expect(outbox.contains { $0.text("next_attempt_at") != nil && $0.text("last_error") == "502 Bad Gateway" })
        #expect(outbox.contains { $0.text("claimed_by") == "sender-2" && $0.text("claim_expires_at") != nil })
        #expect(outbox.contains { $0.text("sent_at") == nil && $0.text("claimed_by") == nil && $0.text("abandoned_at") == nil })
    }

    @Test func newRecordsGetIdsAboveTheCopiedOnes() async throws {
        let source = try await CopySource.make()
        let settings = try await TestStore.freshDatabase()
        _ = try await StoreCopy.copy(from: source.path, to: settings, logger: TestStore.logger)
        let largest = try Dictionary(
            uniqueKeysWithValues: Self.tables.map { table in
                (table, RawRows.ids(try RawRows.sqlite(source.path, table)).max() ?? 0)
            })
        let store = try await PostgresDeliveryStore.open(settings, logger: TestStore.logger)

        let outcome = try await store.record(CopySource.delivery("k-new", [WorkFixture.run("new", sha: WorkFixture.sha(99))]))
        #expect(outcome.kind == .queued)
        #expect(outcome.deliveryID == (largest["deliveries"] ?? 0) + 1)
        let run = try #require(outcome.runs.first)
        #expect(run.id == (largest["runs"] ?? 0) + 1)
        #expect(try await store.run(id: run.id).steps.map(\.id) == [(largest["steps"] ?? 0) + 1])
        let resumed = try #require(try await store.claimNextStep(owner: "w2", now: WorkFixture.at(100), lease: CopySource.lease))
        try await store.finishStep(stepID: resumed.stepID, owner: "w2", result: .succeeded, log: "", now: WorkFixture.at(101))
        let outbox = RawRows.ids(try await RawRows.postgres(settings, "status_outbox"))
        #expect(outbox.max() == (largest["status_outbox"] ?? 0) + 1)
        await store.shutDown()
    }

    @Test func theWorkerResumesAStepLeftRunningOnceItsLeaseExpires() async throws {
        let source = try await CopySource.make()
        let settings = try await TestStore.freshDatabase()
        _ = try await StoreCopy.copy(from: source.path, to: settings, logger: TestStore.logger)
        let store = try await PostgresDeliveryStore.open(settings, logger: TestStore.logger)

        // Until the leases expire (at most 30 s after the last claim, at 5 s), only the queued runs' steps are claimable.
        let early = try #require(try await store.claimNextStep(owner: "w2", now: WorkFixture.at(20), lease: CopySource.lease))
        #expect(early.runID != source.runningRun && early.attempt == 1)
        let resumed = try #require(try await store.claimNextStep(owner: "w2", now: WorkFixture.at(40), lease: CopySource.lease))
        #expect(resumed.runID == source.runningRun)
        #expect(resumed.attempt == 2)
        #expect(resumed.earlierProcess == source.runningProcess)
        try await store.finishStep(stepID: resumed.stepID, owner: "w2", result: .succeeded, log: "resumed\n", now: WorkFixture.at(41))
        let run = try await store.run(id: source.runningRun)
        #expect(run.summary.status == "succeeded")
        #expect(run.steps.first?.log == "still deploying\nresumed\n")
        await store.shutDown()
    }

    /// The columns come from the file's schema: one that a later migration adds is copied without being listed anywhere.
    @Test func aColumnALaterMigrationAddsIsCopiedUnlisted() async throws {
        let source = try await CopySource.make()
        let settings = try await TestStore.freshDatabase()
        await (try await PostgresDeliveryStore.open(settings, logger: TestStore.logger)).shutDown()
        try await RawRows.execute(settings, "ALTER TABLE runs ADD COLUMN approved_by TEXT")
        try await DatabaseQueue(path: source.path).write { db in
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN approved_by TEXT")
            try db.execute(sql: "UPDATE runs SET approved_by = 'alice' WHERE rule = 'b'")
        }

        _ = try await StoreCopy.copy(from: source.path, to: settings, logger: TestStore.logger)

        let runs = try await RawRows.postgres(settings, "runs")
        #expect(runs == (try RawRows.sqlite(source.path, "runs")))
        #expect(runs.filter { $0.text("approved_by") == "alice" }.count == 1)
    }

    @Test func anEmptyFileCopiesAndLeavesTheSequencesAtTheStart() async throws {
        let directory = try TemporaryDirectory()
        try Fixtures.store(in: directory).close()
        let settings = try await TestStore.freshDatabase()

        let summary = try await StoreCopy.copy(from: directory.path("bridge.sqlite"), to: settings, logger: TestStore.logger)

        #expect(summary.rows == [.deliveries: 0, .runs: 0, .steps: 0, .statusOutbox: 0, .redeliveries: 0])
        #expect(summary.description.hasPrefix("copied 0 deliveries, 0 runs, 0 steps, 0 status updates, 0 redelivery requests from "))
        let store = try await PostgresDeliveryStore.open(settings, logger: TestStore.logger)
        #expect(try await store.record(CopySource.delivery("first", [])).deliveryID == 1)
        await store.shutDown()
    }

    /// AUTOINCREMENT never hands out an id again, even once its row is gone: neither may the copy.
    @Test func anIdOfADeletedRecordIsNotHandedOutAgain() async throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(in: directory)
        for key in ["a", "b", "c"] { _ = try await store.record(CopySource.delivery(key, [], .ping)) }
        try store.close()
        try await DatabaseQueue(path: directory.path("bridge.sqlite")).write { db in try db.execute(sql: "DELETE FROM deliveries WHERE id = 3") }
        let settings = try await TestStore.freshDatabase()

        let summary = try await StoreCopy.copy(from: directory.path("bridge.sqlite"), to: settings, logger: TestStore.logger)

        #expect(summary.rows[.deliveries] == 2)
        let copy = try await PostgresDeliveryStore.open(settings, logger: TestStore.logger)
        #expect(try await copy.record(CopySource.delivery("d", [], .ping)).deliveryID == 4)
        await copy.shutDown()
    }
}
