import Synchronization

/// Token buckets by key (a source's name, a client's address), bounded in memory.
///
/// Each key's bucket holds up to `rate.burst` tokens and gains `rate.perSecond` a second; a request takes one. A bucket
/// that has refilled is the same as no bucket, so it is forgotten: the map only holds keys that sent recently. When the
/// map is full all the same (a flood from many addresses), the buckets touched longest ago are dropped, which forgives
/// those keys: memory stays bounded, and a flood from many addresses is still bounded by the in-flight limit.
public final class TokenBuckets: Sendable {
    /// The refill rate and the burst of one bucket.
    public struct Rate: Sendable, Hashable {
        /// Tokens gained per second.
        public var perSecond: Double
        /// The most tokens a bucket holds: the requests accepted at once after a quiet time.
        public var burst: Int

        public init(perSecond: Double, burst: Int) {
            self.perSecond = perSecond
            self.burst = burst
        }
    }

    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    public let rate: Rate
    /// The most keys tracked at once.
    public let capacity: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(rate: Rate, capacity: Int = 10_000) {
        self.rate = rate
        self.capacity = max(1, capacity)
    }

    /// Takes a token from `key`'s bucket. Nil when one was there; otherwise how long until one will be.
    public func take(_ key: String, now: ContinuousClock.Instant) -> Duration? {
        buckets.withLock { buckets in
            var bucket = buckets[key].map { refilled($0, now: now) } ?? Bucket(tokens: Double(rate.burst), updated: now)
            guard bucket.tokens >= 1 else {
                buckets[key] = bucket
                return .seconds((1 - bucket.tokens) / rate.perSecond)
            }
            bucket.tokens -= 1
            if buckets[key] == nil, buckets.count >= capacity { evict(&buckets, now: now) }
            buckets[key] = bucket
            return nil
        }
    }

    /// How many keys are tracked now.
    public var count: Int {
        buckets.withLock { $0.count }
    }

    private func refilled(_ bucket: Bucket, now: ContinuousClock.Instant) -> Bucket {
        let elapsed = now - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Bucket(tokens: min(Double(rate.burst), bucket.tokens + max(0, seconds) * rate.perSecond), updated: now)
    }

    /// Drops the buckets that have refilled; if that frees less than an eighth of the map, drops the least recently
    /// touched down to seven eighths, so a flood of new keys costs one sort per `capacity / 8` of them.
    private func evict(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        buckets = buckets.filter { refilled($0.value, now: now).tokens < Double(rate.burst) }
        let keep = capacity - max(1, capacity / 8)
        guard buckets.count > keep else { return }
        let oldest = buckets.sorted { $0.value.updated < $1.value.updated }.prefix(buckets.count - keep)
        for (key, _) in oldest { buckets[key] = nil }
    }
}
