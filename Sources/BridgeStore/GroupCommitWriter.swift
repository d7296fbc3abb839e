import BridgeCore
import GRDB
import Synchronization

/// Writes concurrently submitted deliveries together: one write transaction, one commit, one fsync for all.
///
/// With `synchronous = FULL` every commit waits for the disk (about 0.3 ms on the benchmark machine), so one
/// commit per delivery caps intake at a few thousand a second however fast the rest is. Deliveries that arrive
/// while a commit is in flight wait for the next one and are written in it together. Nothing is answered before
/// the commit that holds it is durable. Each delivery is written inside a savepoint of its own, so one that SQLite
/// refuses is rolled back and answered with `StoreError` (503: the forge may redeliver) while the others of its
/// batch are committed; a failed commit (or a failure that ends the whole transaction, such as a full disk) answers
/// every delivery of the batch with `StoreError` and records none of them. Within a batch deliveries are applied
/// in arrival order, so a later copy of an earlier delivery in the same batch is a duplicate, as it would be
/// across batches.
final class GroupCommitWriter: Sendable {
    typealias Outcome = Result<RecordOutcome, StoreError>

    /// The most deliveries one transaction writes, to bound the wait of the first one in the batch.
    static let maximumBatch = 256

    private struct Pending {
        let delivery: EncodedDelivery
        let continuation: CheckedContinuation<Outcome, Never>
    }

    private struct State {
        var queue: [Pending] = []
        var draining = false
    }

    private let pool: DatabasePool
    private let health: WriteHealth
    private let state = Mutex(State())

    init(pool: DatabasePool, health: WriteHealth) {
        self.pool = pool
        self.health = health
    }

    /// Records `delivery` in the next commit and returns once that commit is durable.
    func submit(_ delivery: EncodedDelivery) async throws(StoreError) -> RecordOutcome {
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let startDraining = state.withLock { state in
                state.queue.append(Pending(delivery: delivery, continuation: continuation))
                defer { state.draining = true }
                return !state.draining
            }
            if startDraining {
                Task { await self.drain() }
            }
        }
        return try outcome.get()
    }

    /// Writes batches until the queue is empty, then stands down (the next submission starts it again).
    private func drain() async {
        while let batch = nextBatch() {
            let outcomes = await write(batch.map(\.delivery))
            for (pending, outcome) in zip(batch, outcomes) {
                pending.continuation.resume(returning: outcome)
            }
        }
    }

    private func nextBatch() -> [Pending]? {
        state.withLock { state in
            guard !state.queue.isEmpty else {
                state.draining = false
                return nil
            }
            let count = min(state.queue.count, Self.maximumBatch)
            let batch = Array(state.queue.prefix(count))
            state.queue.removeFirst(count)
            return batch
        }
    }

    /// Writes one batch in one transaction and answers each delivery of it (internal for tests). Tells the store's
    /// write health whether storage failed, for `/readyz`.
    ///
    /// Savepoints cost two statements a delivery, so the batch is first written without them: in the common case every
    /// delivery is accepted. Only when that transaction fails (and rolled back whole) is the batch written again with
    /// a savepoint per delivery, so the one that SQLite refuses fails alone.
    func write(_ deliveries: [EncodedDelivery]) async -> [Outcome] {
        do {
            let outcomes = try await pool.write { db in try deliveries.map { try SQLiteDeliveryStore.record($0, in: db) } }
            health.record(nil)
            return outcomes.map { .success($0) }
        } catch {
            guard deliveries.count > 1 else {
                let failure = StoreError(error, during: "record delivery")
                health.record(WriteHealth.isStorageFailure(error) ? failure : nil)
                return [.failure(failure)]
            }
        }
        return await writeIsolated(deliveries)
    }

    /// The batch again, each delivery in a savepoint of its own.
    private func writeIsolated(_ deliveries: [EncodedDelivery]) async -> [Outcome] {
        do {
            let attempts = try await pool.write { db in
                try deliveries.map { delivery in try Self.recordInSavepoint(delivery, in: db) }
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
                recorded = try SQLiteDeliveryStore.record(delivery, in: db)
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
