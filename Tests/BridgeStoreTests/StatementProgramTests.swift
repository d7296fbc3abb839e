import BridgeCore
import Foundation
import GRDB
import Testing

@testable import BridgeStore

/// The programs SQLite runs for each delivery and each step: none builds a temporary b-tree (`OpenEphemeral`), which
/// SQLite makes for a `RETURNING` clause and for a CHECK against a list of three or more values, again at every
/// execution. Those had been a large share of the intake's CPU (`BENCHMARKS.md`, eighth session).
@Suite("SQLite statement programs")
struct StatementProgramTests {
    /// The statements run for every delivery recorded and every step claimed, held and finished.
    static let perDelivery: [(name: String, sql: String)] = [
        ("insertDelivery", StoreSQL.insertDelivery), ("insertRun", StoreSQL.insertRun), ("insertStep", StoreSQL.insertStep),
        ("insertOutbox", StoreSQL.insertOutbox), ("setDeliveryStatus", StoreSQL.setDeliveryStatus),
        ("claimStep", StoreSQL.claimStep), ("recordProcess", StoreSQL.recordProcess), ("recordExternalID", StoreSQL.recordExternalID),
        ("finishStep", StoreSQL.finishStep), ("giveBackStep", StoreSQL.giveBackStep), ("setStepStatus", StoreSQL.setStepStatus),
        ("updateRun started", StoreSQL.updateRun(.started)), ("updateRun finished", StoreSQL.updateRun(.finished)),
        ("updateRun unchanged", StoreSQL.updateRun(.unchanged)), ("setReported", StoreSQL.setReported),
    ]

    static func opcodes(_ sql: String, in db: Database) throws -> [String] {
        let statement = try db.makeStatement(sql: "EXPLAIN " + sql)
        statement.setUncheckedArguments(StatementArguments())  // unbound: EXPLAIN only compiles
        return try Row.fetchAll(statement).map { $0["opcode"] }
    }

    @Test func noStatementOfADeliveryOrAStepBuildsATemporaryBTree() throws {
        let directory = try TemporaryDirectory()
        _ = try Fixtures.store(in: directory)
        let queue = try DatabaseQueue(path: directory.path("bridge.sqlite"))
        try queue.read { db in
            for statement in Self.perDelivery {
                let opcodes = try Self.opcodes(statement.sql, in: db)
                #expect(!opcodes.isEmpty, "\(statement.name)")
                #expect(!opcodes.contains("OpenEphemeral"), "\(statement.name) builds a temporary b-tree")
            }
        }
    }

    @Test func listsAreRespelledAsComparisons() {
        #expect(
            SQLiteCheckLists.respelled("status TEXT NOT NULL CHECK (status IN ('queued', 'ping', 'ignored')),")
                == "status TEXT NOT NULL CHECK ((status = 'queued' OR status = 'ping' OR status = 'ignored')),")
        #expect(SQLiteCheckLists.respelled("flag INTEGER CHECK (flag IN (0, 1))") == "flag INTEGER CHECK ((flag = 0 OR flag = 1))")
        #expect(SQLiteCheckLists.respelled("k CHECK (k IN ('a, b', 'c','d'))") == "k CHECK ((k = 'a, b' OR k = 'c' OR k = 'd'))")
        #expect(SQLiteCheckLists.respelled("position INTEGER NOT NULL CHECK (position >= 1)") == "position INTEGER NOT NULL CHECK (position >= 1)")
        let respelled = SQLiteCheckLists.respelled("a CHECK (a IN ('x','y','z')), b CHECK (b IN ('p', 'q', 'r'))")
        #expect(respelled == "a CHECK ((a = 'x' OR a = 'y' OR a = 'z')), b CHECK ((b = 'p' OR b = 'q' OR b = 'r'))")
    }

    /// A database migrated by an earlier version (the lists spelled `IN`) is respelled when the store opens it, and left so
    /// at the next opening; its rows stay, and the CHECKs still refuse what they refused and accept NULL where they did.
    @Test func anEarlierDatabaseIsRespelledAndItsChecksStillHold() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bridge.sqlite")
        try MigrationTests.oldDatabase(at: path, version: "v9")
        func tableSQL() throws -> [String] {
            try DatabaseQueue(path: path).read { db in
                try String.fetchAll(db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            }
        }
        #expect(try tableSQL().contains { $0.contains("status IN ('queued', 'running'") })

        _ = try SQLiteDeliveryStore(path: path)
        let respelled = try tableSQL()
        #expect(!respelled.contains { $0.contains(" IN (") }, "\(respelled)")
        #expect(respelled.contains { $0.contains("(status = 'queued' OR status = 'running' OR status = 'succeeded'") })
        _ = try SQLiteDeliveryStore(path: path)
        #expect(try tableSQL() == respelled, "a second opening changed the respelled schema")

        let store = try SQLiteDeliveryStore(path: path)
        let step = try #require(try await store.claimNextStep(owner: "w", now: WorkFixture.at(0), lease: .seconds(30)))
        #expect(step.deliveryKey == "old-key")
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE runs SET status = 'bogus' WHERE id = 1") }
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE deliveries SET status = 'queue' WHERE id = 1") }
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE steps SET status = '' WHERE id = 1") }
            try db.execute(sql: "UPDATE runs SET reported_status = NULL, last_reported = 'superseded' WHERE id = 1")
        }
        #expect(try await queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])
    }
}
