import Synchronization

/// The last answer `/readyz` gave, so the log says when readiness changes rather than at every probe of a load
/// balancer.
final class ReadinessState: Sendable {
    private let ready = Mutex<Bool?>(nil)

    /// Records the new answer; true when it should be logged (a change, or a first answer that is "not ready").
    func update(ready now: Bool) -> Bool {
        let previous = ready.withLock { ready in
            defer { ready = now }
            return ready
        }
        return previous.map { $0 != now } ?? !now
    }
}
