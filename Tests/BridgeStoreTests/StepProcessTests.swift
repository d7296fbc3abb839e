import BridgeCore
import Foundation
import GRDB
import Testing

@testable import BridgeStore

@Suite("Step processes and notes (v3)")
struct StepProcessTests {
    static func process(pid: Int32 = 4242, attempt: Int = 1) -> LocalProcess {
        LocalProcess(
            pid: pid, startTicks: 123_456_789, bootID: "0b5c4f1e-8d7a-4c35-9d0e-5f2f8f5b6a11", startedAt: WorkFixture.at(0.5),
            attempt: attempt)
    }

    @Test(arguments: StoreKind.allCases) func aResumedStepCarriesTheProcessItsEarlierAttemptRecorded(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        try await work.record([WorkFixture.run()])
        let first = try #require(try await work.claim("w1", at: 0))
        #expect(first.earlierProcess == nil)
        try await work.store.recordProcess(stepID: first.stepID, owner: "w1", process: Self.process())

        // w1 dies with the command running; its lease expires and w2 resumes the step.
        let resumed = try #require(try await work.claim("w2", at: 31))
        #expect(resumed.stepID == first.stepID && resumed.attempt == 2)
        #expect(resumed.earlierProcess == Self.process())
    }

    @Test(arguments: StoreKind.allCases) func onlyTheLeaseOwnerRecordsAProcess(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        try await work.record([WorkFixture.run()])
        let step = try #require(try await work.claim("w1", at: 0))
        await #expect(throws: StoreError.self) {
            try await work.store.recordProcess(stepID: step.stepID, owner: "w2", process: Self.process())
        }
        await #expect(throws: StoreError.self) {
            try await work.store.recordProcess(stepID: 9_999, owner: "w1", process: Self.process())
        }
    }

    @Test(arguments: StoreKind.allCases) func recordingTheOutcomeForgetsTheProcess(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run(targets: ["a", "b"])])
        let first = try #require(try await work.claim("w1", at: 0))
        try await work.store.recordProcess(stepID: first.stepID, owner: "w1", process: Self.process())
        try await work.store.retryStepLater(stepID: first.stepID, owner: "w1", error: "EAGAIN", retryAt: WorkFixture.at(1), now: WorkFixture.at(0.5))
        let again = try #require(try await work.claim("w1", at: 2))
        #expect(again.stepID == first.stepID && again.earlierProcess == nil)

        try await work.store.recordProcess(stepID: again.stepID, owner: "w1", process: Self.process(attempt: 2))
        try await work.finish(again, .failed(reason: "exit status 1"), at: 3)
        #expect(try await processColumns(work) == ["-", "-"])
        _ = try await work.store.retryRun(id: runs[0], now: WorkFixture.at(4))
        let retried = try #require(try await work.claim("w1", at: 5))
        #expect(retried.stepID == first.stepID && retried.earlierProcess == nil)
    }

    @Test(arguments: StoreKind.allCases) func theOutcomeAndTheLastOfTheLogAreOneCommit(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run()])
        let step = try #require(try await work.claim("w1", at: 0))
        try await work.store.appendLog(stepID: step.stepID, text: "building\n")
        try await work.store.finishStep(stepID: step.stepID, owner: "w1", result: .succeeded, log: "deployed\n", now: WorkFixture.at(1))
        let record = try #require(try await work.store.run(id: runs[0]).steps.first)
        #expect(record.status == "succeeded" && record.log == "building\ndeployed\n")
        // A holder that lost its lease adds nothing, log included.
        try await work.store.finishStep(stepID: step.stepID, owner: "w1", result: .failed(reason: "late"), log: "late\n", now: WorkFixture.at(2))
        #expect(try await work.store.run(id: runs[0]).steps.first?.log == "building\ndeployed\n")
    }

    @Test(arguments: StoreKind.allCases) func notesAccumulateAndSurviveARetry(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run()])
        let step = try #require(try await work.claim("w1", at: 0))
        try await work.store.addStepNote(stepID: step.stepID, text: "an earlier copy was stopped")
        try await work.store.addStepNote(stepID: step.stepID, text: "and a \"quoted\" one")
        try await work.finish(step, .failed(reason: "exit status 2"))
        _ = try await work.store.retryRun(id: runs[0], now: WorkFixture.at(2))
        let notes = try await work.store.run(id: runs[0]).steps.first?.notes
        #expect(notes == ["an earlier copy was stopped", "and a \"quoted\" one"])
        await #expect(throws: StoreError.self) { try await work.store.addStepNote(stepID: 9_999, text: "x") }
    }

    @Test func aV2DatabaseIsUpgradedWithNoProcessAndNoNotes() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bridge.sqlite")
        try MigrationTests.oldDatabase(at: path, version: "v2")

        let store = try SQLiteDeliveryStore(path: path)
        let step = try #require(try await store.claimNextStep(owner: "w", now: WorkFixture.at(0), lease: .seconds(30)))
        #expect(step.earlierProcess == nil)
        #expect(try await store.run(id: 1).steps.first?.notes == [])
        let upgraded = try DatabaseQueue(path: path)
        let migrations = try await upgraded.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(migrations == ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"])
        // The process columns are set together or not at all.
        #expect(throws: DatabaseError.self) {
            try upgraded.write { db in try db.execute(sql: "UPDATE steps SET process_id = 12") }
        }
        #expect(throws: DatabaseError.self) {
            try upgraded.write { db in
                try db.execute(
                    sql: """
                        UPDATE steps SET process_id = 12, process_start_ticks = 5, process_boot_id = 'b', process_started_at = 1,
                            process_attempt = 0
                        """)
            }
        }
    }

    private func processColumns(_ work: WorkFixture) async throws -> [String] {
        try await work.testStore.strings("SELECT COALESCE(CAST(process_id AS TEXT), '-') FROM steps ORDER BY id")
    }
}
