import BridgeCore
import GRDB
import Synchronization

/// Whether the store could write deliveries lately: the outcome of its last write, and when it was seen.
///
/// Reads keep working when the disk is full, so readiness cannot be a read: the group commit writer reports every
/// batch here, and a readiness check that finds no recent outcome probes with a real write (`checkReady`).
final class WriteHealth: Sendable {
    private struct Outcome {
        var failure: StoreError?
        var seenAt: ContinuousClock.Instant
    }

    /// How long an outcome answers readiness checks before a new probe is due.
    let freshness: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let last = Mutex<Outcome?>(nil)

    init(freshness: Duration = .seconds(1), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.freshness = freshness
        self.now = now
    }

    /// Records a write that succeeded (`nil`) or failed for want of storage.
    func record(_ failure: StoreError?) {
        let seenAt = now()
        last.withLock { $0 = Outcome(failure: failure, seenAt: seenAt) }
    }

    /// The last outcome when it is recent enough to answer for the present; nil when a probe is due.
    func recentOutcome() -> Result<Void, StoreError>? {
        let now = now()
        return last.withLock { last in
            guard let last, now - last.seenAt < freshness else { return nil }
            return last.failure.map { .failure($0) } ?? .success(())
        }
    }

    /// Whether `error` says the database cannot take writes now (full, read-only, unreadable, locked, out of
    /// memory), as opposed to one delivery being refused (a constraint) while others still can be written.
    static func isStorageFailure(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return !(error is StoreError) }
        let storage: [ResultCode] = [
            .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_NOMEM, .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_CORRUPT, .SQLITE_FULL,
            .SQLITE_CANTOPEN, .SQLITE_PROTOCOL, .SQLITE_NOTADB,
        ]
        return storage.contains(error.resultCode)
    }
}
