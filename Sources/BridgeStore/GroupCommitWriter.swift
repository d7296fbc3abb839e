import BridgeCore
import Synchronization

/// Writes concurrently submitted items together: one write transaction, one commit, one fsync for all.
///
/// With durable commits every commit waits for the disk (about 0.3 ms on the benchmark machine for SQLite with
/// `synchronous = FULL`), and for PostgreSQL each also costs its `BEGIN` and `COMMIT` round trips, so one commit per
/// write caps throughput however fast the rest is. Items that arrive while a commit is in flight wait for the next
/// one and are written in it together; nothing is answered before the commit that holds it is durable. Within a batch
/// items are applied in arrival order, so a later copy of an earlier delivery in the same batch is a duplicate, as
/// it would be across batches.
///
/// The store supplies the drainer, which takes batches (`nextBatch`) until there are none and answers each item of
/// them (`Batch.answer`), including how an item the database refuses fails alone while the others of its batch are
/// committed:
/// - PostgreSQL submits deliveries (`EncodedDelivery`) and drains in a task (`PostgresDeliveryStore.writeBatch`);
/// - SQLite submits every write it makes (`SQLiteWrite`: a delivery, a worker's claim, a step's outcome…), so the
///   worker's writes share the intake's commits instead of each taking a commit and an fsync of its own, and drains on
///   its writer connection's own queue (`SQLiteDeliveryStore.drain`), so a batch waits for no thread of Swift's
///   cooperative pool between two commits (issue 14).
final class GroupCommitWriter<Item: Sendable, Value: Sendable>: Sendable {
    typealias Outcome = Result<Value, StoreError>

    /// The most items one transaction writes, to bound the wait of the first one in the batch.
    static var maximumBatch: Int { 256 }

    fileprivate struct Pending {
        let item: Item
        let continuation: CheckedContinuation<Outcome, Never>
    }

    /// Items taken together for one transaction.
    struct Batch: Sendable {
        fileprivate let pending: [Pending]

        var items: [Item] { pending.map(\.item) }

        /// Answers each item, in order, with its outcome.
        func answer(_ outcomes: [Outcome]) {
            for (pending, outcome) in zip(pending, outcomes) {
                pending.continuation.resume(returning: outcome)
            }
        }
    }

    private struct State {
        var queue: [Pending] = []
        var draining = false
    }

    private let drain: @Sendable (GroupCommitWriter) -> Void
    private let state = Mutex(State())

    /// `drain` is called when items wait and no drain runs: it takes and answers batches until `nextBatch` is nil.
    init(drain: @escaping @Sendable (GroupCommitWriter) -> Void) {
        self.drain = drain
    }

    /// Drains in a task: `write` writes one batch and answers each of its items, in order.
    convenience init(write: @escaping @Sendable ([Item]) async -> [Outcome]) {
        self.init { writer in
            Task {
                while let batch = writer.nextBatch() {
                    batch.answer(await write(batch.items))
                }
            }
        }
    }

    /// Writes `item` in the next commit and returns once that commit is durable.
    func submit(_ item: Item) async throws(StoreError) -> Value {
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let startDraining = state.withLock { state in
                state.queue.append(Pending(item: item, continuation: continuation))
                defer { state.draining = true }
                return !state.draining
            }
            if startDraining { drain(self) }
        }
        return try outcome.get()
    }

    /// The next batch, or nil when none waits (the drain then stands down; the next submission starts it again).
    func nextBatch() -> Batch? {
        state.withLock { state in
            guard !state.queue.isEmpty else {
                state.draining = false
                return nil
            }
            let count = min(state.queue.count, Self.maximumBatch)
            let batch = Array(state.queue.prefix(count))
            state.queue.removeFirst(count)
            return Batch(pending: batch)
        }
    }
}
