import BridgeCore
import BridgeStore
import Foundation
import GRDB
import Testing

@Suite("Durability and failures")
struct DurabilityTests {
    private func unavailableDetail(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let error as StoreError {
            if case .unavailable(let detail) = error { return detail }
            return "unexpected \(error)"
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func dataSurvivesClosingAndReopening() async throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(in: directory)
        let queued = try await store.record(Fixtures.delivery(key: "one"))
        let ignored = try await store.record(Fixtures.delivery(key: "two", runs: [], disposition: .ping, reason: "ping"))
        _ = try await store.record(Fixtures.delivery(key: "one"))
        let runID = try #require(queued.runs.first).id
        let before = try await store.run(id: runID)
        try store.close()

        let reopened = try Fixtures.store(in: directory)

        #expect(try await reopened.run(id: runID) == before)
        let deliveries = try await reopened.deliveries(limit: 10, source: nil)
        #expect(deliveries.map(\.id) == [ignored.deliveryID, queued.deliveryID])
        #expect(deliveries.last?.duplicates == 1)
        #expect(try await reopened.record(Fixtures.delivery(key: "one")).kind == .duplicateDelivery)
        #expect(try await reopened.record(Fixtures.delivery(key: "three")).kind == .duplicatePush)
    }

    @Test func readOnlyStoreSeesDataAndCannotWrite() async throws {
        let directory = try TemporaryDirectory()
        let writer = try Fixtures.store(in: directory)
        let outcome = try await writer.record(Fixtures.delivery())
        let reader = try SQLiteDeliveryStore.openReadOnly(path: directory.path("bridge.sqlite"))

        #expect(try await reader.delivery(id: outcome.deliveryID).runs.count == 1)
        let detail = await unavailableDetail { _ = try await reader.record(Fixtures.delivery(key: "new")) }
        #expect(detail?.hasPrefix("record delivery: SQLite error 8") == true)
        #expect(try Fixtures.count("deliveries", in: directory) == 1)
    }

    @Test func readOnlyStoreOnAMissingPathFailsWithoutCreatingIt() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("missing/bridge.sqlite")
        let detail = await unavailableDetail { _ = try SQLiteDeliveryStore.openReadOnly(path: path) }
        #expect(detail == "no database at \(path)")
        #expect(StoreError.unavailable(detail ?? "").description == "store unavailable: no database at \(path)")
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: directory.path("missing")))
    }

    @Test func readOnlyStoreRefusesAForeignDatabase() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("other.sqlite")
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "CREATE TABLE notes (body TEXT)") }
        let detail = await unavailableDetail { _ = try SQLiteDeliveryStore.openReadOnly(path: path) }
        #expect(detail == "database at \(path) is not a gitops-bridge database or is not migrated yet")
    }

    @Test func directoryPathIsUnavailable() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("a-directory")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)

        let writable = await unavailableDetail { _ = try SQLiteDeliveryStore(path: path) }
        let readOnly = await unavailableDetail { _ = try SQLiteDeliveryStore.openReadOnly(path: path) }

        #expect(writable?.hasPrefix("cannot open database at \(path): SQLite error") == true)
        #expect(readOnly == "\(path) is a directory, not a database")
    }

    @Test func corruptFileIsUnavailable() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bridge.sqlite")
        let garbage = String(repeating: "this is not an SQLite database. ", count: 256)
        try Data(garbage.utf8).write(to: URL(fileURLWithPath: path))

        let writable = await unavailableDetail { _ = try SQLiteDeliveryStore(path: path) }
        let readOnly = await unavailableDetail { _ = try SQLiteDeliveryStore.openReadOnly(path: path) }

        #expect(writable?.contains("SQLite error 26") == true)
        #expect(readOnly?.contains("SQLite error 26") == true)
    }

    @Test func failuresAfterCloseAreUnavailableAndCarryNoData() async throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store(in: directory)
        try store.close()
        let key = "secret-looking-key-\(UUID().uuidString)"

        let detail = await unavailableDetail { _ = try await store.record(Fixtures.delivery(key: key)) }

        let message = try #require(detail)
        #expect(message.hasPrefix("record delivery: SQLite error"))
        #expect(!message.contains(key))
        #expect(!message.contains("shop-github"))
    }
}
