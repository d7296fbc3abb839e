import Synchronization

/// Wakes idle worker slots when there may be new work (a delivery queued runs, a step finished), so pickup takes
/// milliseconds instead of a polling interval. Waiting always ends by itself after a timeout too, which covers
/// work that becomes due later (retry times, expired leases) and other processes on the same database.
///
/// A notification that finds no one waiting is kept, and the next `wait` returns at once: a slot that was busy
/// claiming when the work arrived (its query ran before the work's commit) looks again instead of sleeping on it.
final class WorkSignal: Sendable {
    private struct State {
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// A notification no one was waiting for.
        var pending = false
    }

    private let state = Mutex(State())

    init() {}

    /// Wakes every waiting slot.
    func notify() {
        let waiters = state.withLock { state in
            defer { state.waiters = [:] }
            if state.waiters.isEmpty { state.pending = true }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Wakes the slot that has waited longest. What one new step needs: waking every slot had each of them try a
    /// claim (a write transaction) for the one step (issue 14); a slot that claims one wakes the next (`DeploymentWorker`).
    func notifyOne() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let id = state.waiters.keys.min() else {
                state.pending = true
                return nil
            }
            return state.waiters.removeValue(forKey: id)
        }
        waiter?.resume()
    }

    /// How many slots wait now (for tests).
    var waiting: Int { state.withLock { $0.waiters.count } }

    /// Returns when notified, after `timeout`, or when the task is cancelled, whichever comes first.
    func wait(upTo timeout: Duration) async {
        let notified = state.withLock { state in
            defer { state.pending = false }
            return state.pending
        }
        if notified { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.waitForNotification() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForNotification() async {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if Task.isCancelled || state.pending {
                        state.pending = false
                        return true
                    }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in state.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
