import BridgeCore
import Synchronization

/// Writes concurrently submitted deliveries together: one write transaction, one commit, one fsync for all.
///
/// With durable commits every commit waits for the disk (about 0.3 ms on the benchmark machine for SQLite with
/// `synchronous = FULL`), and for PostgreSQL each also costs its `BEGIN` and `COMMIT` round trips, so one commit per
/// delivery caps intake however fast the rest is. Deliveries that arrive while a commit is in flight wait for the next
/// one and are written in it together; nothing is answered before the commit that holds it is durable. Within a batch
/// deliveries are applied in arrival order, so a later copy of an earlier delivery in the same batch is a duplicate, as
/// it would be across batches. The store supplies how a batch is written (`write`), including how a delivery the
/// database refuses fails alone while the others of its batch are committed (`SQLiteDeliveryStore.writeBatch`,
/// `PostgresDeliveryStore.writeBatch`).
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

    private let writeBatch: @Sendable ([EncodedDelivery]) async -> [Outcome]
    private let state = Mutex(State())

    /// `write` writes one batch and answers each of its deliveries, in order.
    init(write: @escaping @Sendable ([EncodedDelivery]) async -> [Outcome]) {
        self.writeBatch = write
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

    /// Writes one batch and answers each delivery of it (internal for tests).
    func write(_ deliveries: [EncodedDelivery]) async -> [Outcome] {
        await writeBatch(deliveries)
    }
}
