import NIOCore
import Synchronization

/// Bounds the connections of one listener, shared by all of them.
///
/// Each connection is either waiting for its client (idle, or still receiving a request) or busy (its request is
/// complete and is being answered). When a new connection would exceed the bound, the connection that has waited
/// longest for its client is closed to make room: slow or idle clients cannot hold every slot against a forge
/// whose delivery arrives in milliseconds. When every other connection is busy, the new one is refused (closed).
final class ConnectionLimiter: Sendable {
    let maximum: Int

    private struct Entry {
        let channel: any Channel
        /// When it last started waiting for its client, on the limiter's own tick count.
        var waitingSince: UInt64
        var busy: Bool
    }

    private struct State {
        var open: [ObjectIdentifier: Entry] = [:]
        var tick: UInt64 = 0
    }

    private let state = Mutex(State())

    init(maximum: Int) {
        self.maximum = max(1, maximum)
    }

    /// How many connections are open.
    var count: Int { state.withLock { $0.open.count } }

    /// Registers `channel`; returns the connection to close to stay within the bound (possibly `channel` itself).
    func opened(_ channel: any Channel) -> (any Channel)? {
        state.withLock { state in
            state.tick += 1
            state.open[ObjectIdentifier(channel)] = Entry(channel: channel, waitingSince: state.tick, busy: false)
            guard state.open.count > maximum else { return nil }
            let waiting = state.open.values.filter { !$0.busy && $0.channel !== channel }
            let victim = waiting.min { $0.waitingSince < $1.waitingSince }?.channel ?? channel
            state.open[ObjectIdentifier(victim)] = nil
            return victim
        }
    }

    /// Marks `channel` busy (answering a complete request) or waiting for its client again.
    func setBusy(_ channel: any Channel, _ busy: Bool) {
        state.withLock { state in
            state.tick += 1
            guard var entry = state.open[ObjectIdentifier(channel)] else { return }
            entry.busy = busy
            if !busy { entry.waitingSince = state.tick }
            state.open[ObjectIdentifier(channel)] = entry
        }
    }

    /// Forgets `channel` (it closed).
    func closed(_ channel: any Channel) {
        _ = state.withLock { $0.open.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}
