import Foundation
import Synchronization

/// The rules in force, swapped atomically by `RulesReloader`; readers take one `current` snapshot and keep it.
public final class LiveRules: Sendable {
    /// How the last reload went.
    public struct ReloadOutcome: Sendable, Equatable {
        public var succeeded: Bool
        public var at: Date

        public init(succeeded: Bool, at: Date) {
            self.succeeded = succeeded
            self.at = at
        }
    }

    private struct State {
        var snapshot: RulesSnapshot
        var lastReload: ReloadOutcome?
    }

    private let state: Mutex<State>

    public init(_ snapshot: RulesSnapshot) {
        state = Mutex(State(snapshot: snapshot))
    }

    /// The snapshot in force now.
    public var current: RulesSnapshot { state.withLock { $0.snapshot } }

    /// The last reload's outcome; nil before the first.
    public var lastReload: ReloadOutcome? { state.withLock { $0.lastReload } }

    /// Puts `snapshot` in force.
    func replace(with snapshot: RulesSnapshot, at date: Date) {
        state.withLock {
            $0.snapshot = snapshot
            $0.lastReload = ReloadOutcome(succeeded: true, at: date)
        }
    }

    /// Records a refused reload: the snapshot in force stays.
    func refused(at date: Date) {
        state.withLock { $0.lastReload = ReloadOutcome(succeeded: false, at: date) }
    }
}
