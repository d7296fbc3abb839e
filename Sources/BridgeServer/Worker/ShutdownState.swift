import Synchronization

/// The worker's shutdown: when it began, whether the grace period for running steps is over, and whether every slot
/// has stopped.
final class ShutdownState: Sendable {
    private let began = Mutex<ContinuousClock.Instant?>(nil)
    private let slotsDone = Atomic(false)
    private let grace: Duration

    init(grace: Duration) {
        self.grace = grace
    }

    /// Stops claiming new steps from now on.
    func begin() {
        began.withLock { began in
            if began == nil { began = .now }
        }
    }

    /// Whether shutdown has begun.
    var isStopping: Bool { began.withLock { $0 != nil } }

    /// Whether running steps have had their grace period: their leases are released then, to resume on restart.
    var isGraceOver: Bool {
        began.withLock { began in began.map { ContinuousClock.now >= $0 + grace } ?? false }
    }

    /// Says that every slot has stopped: no step will finish any more, so no status will be added to the outbox.
    func slotsStopped() {
        slotsDone.store(true, ordering: .releasing)
    }

    /// Whether every slot has stopped.
    var haveSlotsStopped: Bool { slotsDone.load(ordering: .acquiring) }
}
