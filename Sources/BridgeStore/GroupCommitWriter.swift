import BridgeCore
import GRDB
import Synchronization

/// Writes concurrently submitted deliveries together: one write transaction, one commit, one fsync for all.
///
/// With `synchronous = FULL` every commit waits for the disk (about 0.3 ms on the benchmark machine), so one
/// commit per delivery caps intake at a few thousand a second however fast the rest is. Deliveries that arrive
/// while a commit is in flight wait for the next one and are written in it together. Nothing is answered before
/// the commit that holds it is durable; a batch is all-or-nothing, so a failure answers every delivery in it with
/// `StoreError` (503: the forge may redeliver) and records none of them. Within a batch deliveries are applied
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
    private let state = Mutex(State())

    init(pool: DatabasePool) {
        self.pool = pool
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

    private func write(_ deliveries: [EncodedDelivery]) async -> [Outcome] {
        do {
            let outcomes = try await pool.write { db in
                try deliveries.map { delivery in try SQLiteDeliveryStore.record(delivery, in: db) }
            }
            return outcomes.map { .success($0) }
        } catch {
            let failure = StoreError(error, during: "record delivery")
            return deliveries.map { _ in .failure(failure) }
        }
    }
}
