import BridgeCore
import BridgeStore
import Foundation
import GRDB
import Testing

/// How many deliveries `StoreCopyBenchmarkTests` copies; nil skips it.
let copyBenchmarkDeliveries = ProcessInfo.processInfo.environment["GITOPS_BRIDGE_COPY_BENCHMARK"].flatMap { Int($0) }

/// How long `StoreCopy` takes for a large file: `GITOPS_BRIDGE_COPY_BENCHMARK=100000 swift test --filter
/// StoreCopyBenchmarkTests` copies that many deliveries, each with a run of two steps (a log each) and two status
/// updates, and prints the time. Skipped otherwise.
@Suite(.enabled(if: copyBenchmarkDeliveries != nil)) struct StoreCopyBenchmarkTests {
    @Test func copyManyDeliveries() async throws {
        let count = try #require(copyBenchmarkDeliveries)
        let directory = try TemporaryDirectory()
        let path = directory.path("bridge.sqlite")
        try await Self.makeTemplate(at: path)
        let filled = ContinuousClock().measure { Self.clone(count: count, at: path) }
        let settings = try await TestStore.freshDatabase()

        var summary: StoreCopy.Summary?
        let elapsed = try await ContinuousClock().measure {
            summary = try await StoreCopy.copy(from: path, to: settings, logger: TestStore.logger)
        }

        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0) >> 20
        print("StoreCopyBenchmarkTests: \(summary?.description ?? "") (\(size) MiB file, made in \(filled)) in \(elapsed)")
        #expect(summary?.rows == [.deliveries: count, .runs: count, .steps: 2 * count, .statusOutbox: 2 * count, .redeliveries: 0])
    }

    /// Delivery 1: a GitLab push whose run's two steps succeeded, with logs, and its two status updates.
    static func makeTemplate(at path: String) async throws {
        let store = try SQLiteDeliveryStore(path: path)
        defer { try? store.close() }
        let run = WorkFixture.run("bench", sha: WorkFixture.sha(1), targets: ["backend", "smoke"])
        _ = try await store.record(CopySource.delivery("bench-1", [run]))
        let log = String(repeating: "deploying acme/shop@\(WorkFixture.sha(1)) to staging\n", count: 8)
        for second in [0.0, 1.0] {
            let step = try #require(try await store.claimNextStep(owner: "w1", now: WorkFixture.at(second), lease: .seconds(30)))
            try await store.finishStep(stepID: step.stepID, owner: "w1", result: .succeeded, log: log, now: WorkFixture.at(second + 0.5))
        }
    }

    /// Copies delivery 1 and its rows as deliveries 2…`count`, in SQL.
    static func clone(count: Int, at path: String) {
        let numbers = "WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < \(count))"
        let tables: [(String, [String: String])] = [
            ("deliveries", ["id": "n.i", "delivery_key": "'bench-' || n.i"]),
            ("runs", ["id": "n.i", "delivery_id": "n.i", "sha": "printf('%040x', n.i)"]),
            ("steps", ["id": "(n.i - 1) * 2 + t.position", "run_id": "n.i"]),
            ("status_outbox", ["id": "(n.i - 1) * 2 + t.id", "run_id": "n.i"]),
        ]
        do {
            try DatabaseQueue(path: path).write { db in
                for (table, overrides) in tables {
                    let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { row -> String in row["name"] }
                    let values = columns.map { overrides[$0] ?? "t.\($0)" }.joined(separator: ", ")
                    let template = table == "deliveries" || table == "runs" ? "t.id = 1" : "t.run_id = 1"
                    try db.execute(
                        sql:
                            "\(numbers) INSERT INTO \(table) (\(columns.joined(separator: ", "))) SELECT \(values) FROM n, \(table) t WHERE \(template)"
                    )
                }
            }
        } catch {
            Issue.record(error)
        }
    }
}
