import BridgeCore
import GRDB

/// One write of the SQLite store as the group commit takes it: what it is (for errors) and its statements, run in
/// the batch's transaction. Its value comes back to the caller of `SQLiteDeliveryStore.writing`.
struct SQLiteWrite: Sendable {
    let operation: String
    let body: @Sendable (Database) throws -> any Sendable
}

/// How SQLite writes a batch (`GroupCommitWriter`): every write of the store, a delivery or a worker's claim alike.
extension SQLiteDeliveryStore {
    typealias GroupCommit = GroupCommitWriter<SQLiteWrite, any Sendable>
    typealias Outcome = GroupCommit.Outcome

    /// Takes and writes batches on the writer connection's queue until none waits. Nothing between two batches needs
    /// a thread of Swift's cooperative pool: under load, each hop through it had every write wait behind every task of
    /// the process (issue 14).
    static func drain(_ writer: GroupCommit, pool: DatabasePool, health: WriteHealth) {
        pool.asyncWriteWithoutTransaction { db in
            while let batch = writer.nextBatch() {
                batch.answer(writeBatch(batch.items, in: db, health: health))
            }
        }
    }

    /// Writes one batch as the drain does, and answers each write of it (for tests).
    func writeOneBatch(_ writes: [SQLiteWrite]) async -> [Outcome] {
        await withCheckedContinuation { continuation in
            pool.asyncWriteWithoutTransaction { [health] db in
                continuation.resume(returning: Self.writeBatch(writes, in: db, health: health))
            }
        }
    }

    /// Writes one batch in one transaction and answers each write of it. Tells the store's write health whether
    /// storage failed, for `/readyz`.
    ///
    /// Savepoints cost two statements a write, so the batch is first written without them: in the common case every
    /// write succeeds. Only when that transaction fails (and rolled back whole) is the batch written again with
    /// a savepoint per write, so the one that fails (a delivery SQLite refuses, a step that is gone) fails alone.
    static func writeBatch(_ writes: [SQLiteWrite], in db: Database, health: WriteHealth) -> [Outcome] {
        do {
            var values: [any Sendable] = []
            values.reserveCapacity(writes.count)
            try db.inTransaction {
                for write in writes { values.append(try write.body(db)) }
                return .commit
            }
            health.record(nil)
            return values.map { .success($0) }
        } catch {
            guard writes.count > 1 else {
                let failure = StoreError(error, during: writes.first?.operation ?? "write")
                health.record(WriteHealth.isStorageFailure(error) ? failure : nil)
                return [.failure(failure)]
            }
        }
        return writeIsolated(writes, in: db, health: health)
    }

    /// The batch again, each write in a savepoint of its own.
    private static func writeIsolated(_ writes: [SQLiteWrite], in db: Database, health: WriteHealth) -> [Outcome] {
        do {
            var attempts: [Attempt] = []
            try db.inTransaction {
                attempts = try writes.map { write in try writeInSavepoint(write, in: db) }
                return .commit
            }
            health.record(attempts.lazy.compactMap(\.storageFailure).first)
            return attempts.map(\.outcome)
        } catch {
            health.record(StoreError(error, during: "write"))
            return writes.map { write in .failure(StoreError(error, during: write.operation)) }
        }
    }

    /// One write's outcome, and its failure again when the cause was storage rather than the write.
    private struct Attempt {
        var outcome: Outcome
        var storageFailure: StoreError?
    }

    /// Runs one write inside a savepoint: if it fails, only its own statements are rolled back.
    ///
    /// Throws (failing the whole batch) when the failure ended the transaction itself: SQLite rolls a transaction
    /// back on its own after some errors (`SQLITE_FULL`, `SQLITE_IOERR`, `SQLITE_NOMEM`), and then the writes
    /// before it in the batch are gone too, so none of them may be answered as done.
    private static func writeInSavepoint(_ write: SQLiteWrite, in db: Database) throws -> Attempt {
        var value: (any Sendable)?
        do {
            try db.inSavepoint {
                value = try write.body(db)
                return .commit
            }
        } catch {
            guard db.isInsideTransaction else { throw error }
            let failure = StoreError(error, during: write.operation)
            return Attempt(outcome: .failure(failure), storageFailure: WriteHealth.isStorageFailure(error) ? failure : nil)
        }
        guard let value else { return Attempt(outcome: .failure(.unavailable("\(write.operation): no outcome"))) }
        return Attempt(outcome: .success(value))
    }

    /// A delivery's write as `record` submits it, for tests that write a batch of them (`writeOneBatch`).
    static func recording(_ delivery: EncodedDelivery) -> SQLiteWrite {
        SQLiteWrite(operation: "record delivery") { db in try record(delivery, in: db) }
    }
}
