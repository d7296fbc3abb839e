import BridgeCore
import BridgeStore
import Foundation
import GRDB
import Logging
import PostgresNIO

/// A SQLite store holding every kind of record a bridge writes, made through the store's own API, for `StoreCopyTests`:
/// a delivery counted twice as a duplicate, a duplicate push, an ignored delivery and a ping; runs succeeded (with an
/// external id, logs and a note), failed after a retry, canceled while queued, failed then retried, two left running (one
/// with its process recorded, one asked to cancel), and queued; status updates sent, failed, given up, claimed and pending.
struct CopySource {
    let directory: TemporaryDirectory
    /// The run whose step was left running with its process recorded, and that process.
    let runningRun: Int64
    let runningProcess: LocalProcess
    /// The step leases' length: the running steps' leases expire by `WorkFixture.at(5 + 30)`.
    static let lease = Duration.seconds(30)

    var path: String { directory.path("bridge.sqlite") }

    static func make() async throws -> CopySource {
        let directory = try TemporaryDirectory()
        let store = try SQLiteDeliveryStore(path: directory.path("bridge.sqlite"))
        defer { try? store.close() }
        let runs = try await record(into: store)
        let process = LocalProcess(pid: 4242, startTicks: 987_654, bootID: "boot-1", startedAt: WorkFixture.at(3), attempt: 1)
        try await work(on: store, runs: runs, process: process)
        try await report(on: store)
        // `k-a` arrived again after recovery asked GitHub for it.
        try await store.recordRedelivery(
            RedeliveryRecord(source: "shop", key: "k-a", forgeDeliveryID: "9001", requestedAt: WorkFixture.at(4), outcome: "requested"))
        return CopySource(directory: directory, runningRun: runs["d"] ?? 0, runningProcess: process)
    }

    static func delivery(_ key: String, _ runs: [PlannedRun], _ disposition: NewDelivery.Disposition = .queued, reason: String? = nil)
        -> NewDelivery
    {
        // As a rules file with `status.gitlab` plans them: GitLab deployments for a run with an environment.
        let reported = runs.map { run in
            var run = run
            run.report = RunReport(reporters: StatusOutboxPolicy.legacyReporters(forge: .gitlab, environment: run.environment))
            return run
        }
        return NewDelivery(
            source: "shop", forge: .gitlab, key: key, eventName: disposition == .ping ? "System Hook" : "Push Hook",
            receivedAt: Fixtures.receivedAt, disposition: disposition, reason: reason, runs: reported)
    }

    /// Records the deliveries; the runs' ids by rule name (`a` has two steps, `f` no environment so no status updates).
    private static func record(into store: SQLiteDeliveryStore) async throws -> [String: Int64] {
        var runs: [String: Int64] = [:]
        let a = WorkFixture.run("a", sha: WorkFixture.sha(1), targets: ["backend", "smoke"])
        runs["a"] = try await store.record(delivery("k-a", [a])).runs.first?.id
        _ = try await store.record(delivery("k-a", [a]))
        _ = try await store.record(delivery("k-a", [a]))
        _ = try await store.record(delivery("k-again", [a]))
        _ = try await store.record(delivery("k-ignored", [], .ignored, reason: "branch develop does not match [main]"))
        _ = try await store.record(delivery("k-ping", [], .ping))
        for (number, rule) in ["b", "c", "d", "e", "h", "f"].enumerated() {
            let run = WorkFixture.run(rule, sha: WorkFixture.sha(number + 2), environment: rule == "f" ? nil : "staging", targets: [rule])
            runs[rule] = try await store.record(delivery("k-\(rule)", [run])).runs.first?.id
        }
        let pair = [WorkFixture.run("m1", sha: WorkFixture.sha(20)), WorkFixture.run("m2", sha: WorkFixture.sha(20))]
        _ = try await store.record(delivery("k-pair", pair))
        return runs
    }

    /// Claims and finishes steps as a worker would; runs are claimed oldest first.
    private static func work(on store: SQLiteDeliveryStore, runs: [String: Int64], process: LocalProcess) async throws {
        let at = WorkFixture.at
        _ = try await store.cancelRun(id: runs["c"] ?? 0, now: at(0))
        let backend = try await claim(store, at: 0, run: runs["a"])
        try await store.recordExternalID(stepID: backend.stepID, owner: "w1", externalID: "d-ABC123")
        try await store.appendLog(stepID: backend.stepID, text: "cloning\n")
        try await store.addStepNote(stepID: backend.stepID, text: "an earlier copy (pid 77) had already ended")
        try await store.finishStep(stepID: backend.stepID, owner: "w1", result: .succeeded, log: "deployed\n", now: at(1))
        let smoke = try await claim(store, at: 1, run: runs["a"])
        try await store.finishStep(stepID: smoke.stepID, owner: "w1", result: .succeeded, log: "ok\n", now: at(1.5))
        let b = try await claim(store, at: 2, run: runs["b"])
        try await store.retryStepLater(stepID: b.stepID, owner: "w1", error: "throttled", retryAt: at(2.5), now: at(2))
        let bAgain = try await claim(store, at: 3, run: runs["b"])
        try await store.finishStep(stepID: bAgain.stepID, owner: "w1", result: .failed(reason: "exit status 1"), log: "boom\n", now: at(3))
        let d = try await claim(store, at: 3, run: runs["d"])
        try await store.recordProcess(stepID: d.stepID, owner: "w1", process: process)
        try await store.appendLog(stepID: d.stepID, text: "still deploying\n")
        let e = try await claim(store, at: 4, run: runs["e"])
        try await store.finishStep(stepID: e.stepID, owner: "w1", result: .failed(reason: "exit status 2"), log: "", now: at(4))
        _ = try await claim(store, at: 5, run: runs["h"])
        _ = try await store.cancelRun(id: runs["h"] ?? 0, now: at(5))
        _ = try await store.retryRun(id: runs["e"] ?? 0, now: at(6))
    }

    /// Claims the next step, which must be `run`'s.
    private static func claim(_ store: SQLiteDeliveryStore, at seconds: Double, run: Int64?) async throws -> ClaimedStep {
        let step = try await store.claimNextStep(owner: "w1", now: WorkFixture.at(seconds), lease: lease)
        guard let step, step.runID == run else { throw StoreError.conflict("claimed \(String(describing: step)), not a step of run \(run ?? 0)") }
        return step
    }

    /// Sends status updates as the outbox sender would: one sent, one to retry, one given up, one claimed and unsent.
    private static func report(on store: SQLiteDeliveryStore) async throws {
        let at = WorkFixture.at
        let due = try await store.claimStatusUpdates(owner: "sender", now: at(7), lease: .seconds(60), limit: 3)
        guard due.count == 3 else { throw StoreError.conflict("\(due.count) status updates due, not 3") }
        try await store.statusSent(outboxID: due[0].outboxID, owner: "sender", deploymentID: "gl-101", now: at(7))
        try await store.statusFailed(outboxID: due[1].outboxID, owner: "sender", error: "502 Bad Gateway", retryAt: at(60), now: at(7))
        try await store.statusFailed(outboxID: due[2].outboxID, owner: "sender", error: "404 Not Found", retryAt: nil, now: at(7))
        _ = try await store.claimStatusUpdates(owner: "sender-2", now: at(8), lease: .seconds(60), limit: 1)
    }
}

/// Every row of a table as column → value text (nil for NULL), in id order, read behind the stores' backs.
enum RawRows {
    typealias Rows = [[String: String?]]

    static func sqlite(_ path: String, _ table: String) throws -> Rows {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration).read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY id").map { row in
                Dictionary(uniqueKeysWithValues: row.columnNames.map { name in (name, text(row[name] as DatabaseValue)) })
            }
        }
    }

    static func postgres(_ settings: PostgresSettings, _ table: String) async throws -> Rows {
        try await PostgresConnector.withClient(settings, logger: TestStore.logger) { client in
            try await client.query(PostgresQuery(unsafeSQL: "SELECT * FROM \(table) ORDER BY id"), logger: TestStore.logger).collect().map { row in
                var values: [String: String?] = [:]
                for cell in row { values[cell.columnName] = try text(cell) }
                return values
            }
        }
    }

    /// The rows' ids.
    static func ids(_ rows: Rows) -> [Int64] {
        rows.compactMap { row in row.text("id").flatMap { Int64($0) } }
    }

    /// Runs `sql` on the PostgreSQL database, behind the store's back.
    static func execute(_ settings: PostgresSettings, _ sql: String) async throws {
        try await PostgresConnector.withClient(settings, logger: TestStore.logger) { client in
            _ = try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestStore.logger).collect()
        }
    }

    /// The tables of the PostgreSQL database's schema: none until a store first opens it.
    static func tableCount(_ settings: PostgresSettings) async throws -> Int {
        try await PostgresConnector.withClient(settings, logger: TestStore.logger) { client in
            let sql = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"
            var count = 0
            for try await value in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestStore.logger).decode(Int64.self) {
                count = Int(value)
            }
            return count
        }
    }

    private static func text(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .null: nil
        case .int64(let integer): String(integer)
        case .double(let double): String(double)
        case .string(let text): text
        case .blob(let data): data.base64EncodedString()
        }
    }

    private static func text(_ cell: PostgresCell) throws -> String? {
        guard cell.bytes != nil else { return nil }
        switch cell.dataType {
        case .int2, .int4, .int8: return String(try cell.decode(Int64.self))
        default: return try cell.decode(String.self)
        }
    }
}

extension Dictionary where Key == String, Value == String? {
    /// A column's value, nil for NULL (and for a column the row lacks).
    func text(_ column: String) -> String? {
        self[column] ?? nil
    }
}
