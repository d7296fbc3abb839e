import BridgeCore
import GRDB

/// How SQLite writes a batch of deliveries (`GroupCommitWriter`).
extension SQLiteDeliveryStore {
    typealias Outcome = GroupCommitWriter.Outcome

    /// Writes one batch in one transaction and answers each delivery of it. Tells the store's write health whether
    /// storage failed, for `/readyz`.
    ///
    /// Savepoints cost two statements a delivery, so the batch is first written without them: in the common case every
    /// delivery is accepted. Only when that transaction fails (and rolled back whole) is the batch written again with
    /// a savepoint per delivery, so the one that SQLite refuses fails alone.
    static func writeBatch(_ deliveries: [EncodedDelivery], pool: DatabasePool, health: WriteHealth) async -> [Outcome] {
        do {
            let outcomes = try await pool.write { db in try deliveries.map { try record($0, in: db) } }
            health.record(nil)
            return outcomes.map { .success($0) }
        } catch {
            guard deliveries.count > 1 else {
                let failure = StoreError(error, during: "record delivery")
                health.record(WriteHealth.isStorageFailure(error) ? failure : nil)
                return [.failure(failure)]
            }
        }
        return await writeIsolated(deliveries, pool: pool, health: health)
    }

    /// The batch again, each delivery in a savepoint of its own.
    private static func writeIsolated(_ deliveries: [EncodedDelivery], pool: DatabasePool, health: WriteHealth) async -> [Outcome] {
        do {
            let attempts = try await pool.write { db in
                try deliveries.map { delivery in try recordInSavepoint(delivery, in: db) }
            }
            health.record(attempts.lazy.compactMap(\.storageFailure).first)
            return attempts.map(\.outcome)
        } catch {
            let failure = StoreError(error, during: "record delivery")
            health.record(failure)
            return deliveries.map { _ in .failure(failure) }
        }
    }

    /// One delivery's outcome, and its failure again when the cause was storage rather than the delivery.
    private struct Attempt: Sendable {
        var outcome: Outcome
        var storageFailure: StoreError?
    }

    /// Records one delivery inside a savepoint: if SQLite refuses it, only its own writes are rolled back.
    ///
    /// Throws (failing the whole batch) when the failure ended the transaction itself: SQLite rolls a transaction
    /// back on its own after some errors (`SQLITE_FULL`, `SQLITE_IOERR`, `SQLITE_NOMEM`), and then the deliveries
    /// written before it in the batch are gone too, so none of them may be answered as recorded.
    private static func recordInSavepoint(_ delivery: EncodedDelivery, in db: Database) throws -> Attempt {
        var recorded: RecordOutcome?
        do {
            try db.inSavepoint {
                recorded = try record(delivery, in: db)
                return .commit
            }
        } catch {
            guard db.isInsideTransaction else { throw error }
            let failure = StoreError(error, during: "record delivery")
            return Attempt(outcome: .failure(failure), storageFailure: WriteHealth.isStorageFailure(error) ? failure : nil)
        }
        guard let recorded else { return Attempt(outcome: .failure(.unavailable("record delivery: no outcome"))) }
        return Attempt(outcome: .success(recorded))
    }
}
