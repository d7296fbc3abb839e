/// Which entries of a hook's delivery log to ask the forge to send again: pure logic over what the forge and the store
/// say, so every rule of it is tested with plain values.
///
/// A delivery recorded in the store is never redelivered (it deployed, or was answered, already). One the forge saw
/// refused for good (a 4xx other than 408 and 429: a bad signature, an unknown source) would be refused again. The
/// rest (no answer, 5xx, 429) is redelivered, at most `maxAttempts` times over all passes, as the ledger counts.
public struct RecoveryPlan: Sendable {
    /// How many redeliveries of one delivery are asked for, over every pass.
    public static let maxAttempts = 3

    /// What recovery makes of one delivery key.
    public enum Verdict: Sendable, Hashable {
        /// Recorded in the store: nothing to do.
        case found
        /// Never recorded, and worth sending again.
        case missing
        /// Never recorded, and not sent again, for `reason`.
        case skipped(reason: String)
    }

    /// One delivery key's newest log entry and its verdict.
    public struct Item: Sendable, Hashable {
        public var delivery: HookDelivery
        public var verdict: Verdict
    }

    public var items: [Item]

    /// Decides for every key in `log` (newest entry first, as the forges list them; older entries of a key are its
    /// earlier attempts), given the keys the store has recorded and the ledger's redelivery counts.
    public init(log: [HookDelivery], recorded: Set<String>, redeliveries: [String: Int], maxAttempts: Int = RecoveryPlan.maxAttempts) {
        var seen: Set<String> = []
        items = log.filter { seen.insert($0.key).inserted }.map { delivery in
            Item(delivery: delivery, verdict: Self.verdict(delivery, recorded: recorded, asked: redeliveries[delivery.key] ?? 0, maxAttempts))
        }
    }

    private static func verdict(_ delivery: HookDelivery, recorded: Set<String>, asked: Int, _ maxAttempts: Int) -> Verdict {
        if recorded.contains(delivery.key) { return .found }
        if asked >= maxAttempts { return .skipped(reason: "redelivery asked for \(asked) times already") }
        if let status = delivery.statusCode, !delivery.failed {
            if (200..<300).contains(status) { return .skipped(reason: "answered \(status) but not recorded (another bridge's store, or pruned)") }
            return .skipped(reason: "answered \(status): sent again it would be refused again")
        }
        return .missing
    }

    /// The deliveries to redeliver.
    public var missing: [HookDelivery] {
        items.filter { $0.verdict == .missing }.map(\.delivery)
    }
}
