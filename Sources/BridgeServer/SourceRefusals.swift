import Foundation
import Synchronization

/// The last delivery each source refused (not verified, or malformed), which the store never records: the dashboard's
/// overview shows a source whose hook fails this way. Kept by this process only, so it starts empty on each start and
/// each replica knows its own.
public final class SourceRefusals: Sendable {
    /// A refused delivery: when, and why in a few words (`not verified`, `malformed payload`).
    public struct Refusal: Sendable, Hashable {
        public var at: Date
        public var reason: String
    }

    private let last = Mutex<[String: Refusal]>([:])

    public init() {}

    func refused(source: String, at: Date, reason: String) {
        last.withLock { $0[source] = Refusal(at: at, reason: reason) }
    }

    /// The source's last refused delivery since this process started, if any.
    public func last(source: String) -> Refusal? {
        last.withLock { $0[source] }
    }
}
