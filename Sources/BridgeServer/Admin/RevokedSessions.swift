import Foundation
import Synchronization

/// Sessions ended by `/logout` before their expiry, so a copy of the cookie no longer signs anyone in. Each is
/// forgotten once it would have expired anyway, which bounds the set by the sign-outs of one session lifetime.
final class RevokedSessions: Sendable {
    private let ended = Mutex<[String: TimeInterval]>([:])

    func revoke(_ signature: String, expiry: TimeInterval, now: Date) {
        ended.withLock { ended in
            ended = ended.filter { $0.value > now.timeIntervalSince1970 }
            ended[signature] = expiry
        }
    }

    func contains(_ signature: String) -> Bool {
        ended.withLock { $0[signature] != nil }
    }
}
