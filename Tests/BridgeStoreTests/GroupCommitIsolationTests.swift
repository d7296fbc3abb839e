import BridgeCore
import Foundation
import GRDB
import Testing

@testable import BridgeStore

/// One delivery that SQLite refuses fails alone: the others written in the same group commit are recorded and answered.
@Suite("Group commit isolation")
struct GroupCommitIsolationTests {
    /// A trigger of the test's own makes SQLite refuse one delivery key, as a violated constraint would; nothing in the
    /// bridge's code is bent for the test.
    static func refuse(key: String, in directory: TemporaryDirectory) throws {
        let queue = try DatabaseQueue(path: directory.path("bridge.sqlite"))
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER refuse_one_delivery BEFORE INSERT ON deliveries WHEN NEW.delivery_key = '\(key)'
                    BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
                    """)
        }
        try queue.close()
    }

    /// Ten outcomes: the fifth delivery (key `bad`) refused by the test's trigger, the others queued with their run.
    static func expectOnlyTheFifthRefused(_ outcomes: [Result<RecordOutcome, StoreError>]) {
        #expect(outcomes.count == 10)
        for (index, outcome) in outcomes.enumerated() {
            switch outcome {
            case .success(let recorded): #expect(index != 4 && recorded.kind == .queued && recorded.runs.count == 1)
            case .failure(let error): #expect(index == 4 && "\(error)".contains("refused by the test"))
            }
        }
    }

    /// A write's outcome as the delivery's.
    static func recorded(_ outcome: Result<any Sendable, StoreError>) -> Result<RecordOutcome, StoreError> {
        outcome.flatMap { value in (value as? RecordOutcome).map { .success($0) } ?? .failure(.unavailable("not a delivery's outcome")) }
    }

    static func delivery(_ index: Int, key: String? = nil) -> NewDelivery {
        Fixtures.delivery(key: key ?? "k-\(index)", runs: [Fixtures.run("main-to-staging", sha: String(format: "%040x", index))])
    }

    @Test func aBatchWithOneRefusedDeliveryRecordsTheOthers() async throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(in: directory)
        try Self.refuse(key: "bad", in: directory)
        let batch = (0..<10).map { index in SQLiteDeliveryStore.recording(EncodedDelivery(Self.delivery(index, key: index == 4 ? "bad" : nil))) }

        // One batch, written as the group commit writes it: one transaction for all ten.
        let outcomes = await store.writeOneBatch(batch).map(Self.recorded)

        GroupCommitIsolationTests.expectOnlyTheFifthRefused(outcomes)
        #expect(try Fixtures.count("deliveries", in: directory) == 9)
        #expect(try Fixtures.count("runs", in: directory) == 9)
        #expect(try Fixtures.count("steps", in: directory) == 27)
    }

    @Test func concurrentDeliveriesAreAnsweredWhenOneOfThemIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(in: directory)
        try Self.refuse(key: "bad", in: directory)
        let deliveries = (0..<100).map { index in Self.delivery(index, key: index == 50 ? "bad" : nil) }

        let failed = await withTaskGroup(of: String?.self) { group in
            for delivery in deliveries {
                group.addTask {
                    do {
                        _ = try await store.record(delivery)
                        return nil
                    } catch {
                        return delivery.key
                    }
                }
            }
            return await group.reduce(into: [String]()) { failed, key in if let key { failed.append(key) } }
        }

        #expect(failed == ["bad"])
        #expect(try Fixtures.count("deliveries", in: directory) == 99)
        // The refused key was never recorded, so a redelivery of it (without the fault) is queued, not a duplicate.
        let queue = try DatabaseQueue(path: directory.path("bridge.sqlite"))
        try await queue.write { db in try db.execute(sql: "DROP TRIGGER refuse_one_delivery") }
        try queue.close()
        #expect(try await store.record(Self.delivery(50, key: "bad")).kind == .queued)
    }

    @Test func aFailedCommitStillFailsEveryDeliveryOfItsBatch() async throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(in: directory)
        let batch = (0..<5).map { index in SQLiteDeliveryStore.recording(EncodedDelivery(Self.delivery(index))) }
        try store.close()

        let outcomes = await store.writeOneBatch(batch)

        #expect(outcomes.count == 5)
        #expect(outcomes.allSatisfy { if case .failure = $0 { true } else { false } })
    }
}

/// The same on PostgreSQL: a batch is one transaction; when it fails, each delivery is written again on its own.
@Suite("Group commit isolation on PostgreSQL")
struct PostgresGroupCommitIsolationTests {
    @Test func aBatchWithOneRefusedDeliveryRecordsTheOthers() async throws {
        let tested = try await TestStore(.postgres)
        try await tested.execute(
            """
            CREATE FUNCTION refuse_one_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'refused by the test'; END $$
            """)
        try await tested.execute(
            """
            CREATE TRIGGER refuse_one_delivery BEFORE INSERT ON deliveries FOR EACH ROW
            WHEN (NEW.delivery_key = 'bad') EXECUTE FUNCTION refuse_one_delivery()
            """)
        let store = try #require(tested.store as? PostgresDeliveryStore)
        let batch = (0..<10).map { index in EncodedDelivery(GroupCommitIsolationTests.delivery(index, key: index == 4 ? "bad" : nil)) }

        let outcomes = await PostgresDeliveryStore.writeBatch(batch, client: store.client, logger: store.logger)

        GroupCommitIsolationTests.expectOnlyTheFifthRefused(outcomes)
        #expect(try await tested.count("deliveries") == 9)
        #expect(try await tested.count("runs") == 9)
        #expect(try await tested.count("steps") == 27)
    }
}
