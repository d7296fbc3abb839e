import BridgeServer
import Testing

/// Token buckets with instants given by the test: refill, retry time, and the bound on tracked keys.
@Suite struct TokenBucketsTests {
    let start = ContinuousClock.now

    @Test func aBucketGivesItsBurstThenOneTokenPerInterval() {
        let buckets = TokenBuckets(rate: .init(perSecond: 2, burst: 3))
        for _ in 0..<3 { #expect(buckets.take("a", now: start) == nil) }
        #expect(Self.near(buckets.take("a", now: start), .milliseconds(500)))
        #expect(Self.near(buckets.take("a", now: start + .milliseconds(200)), .milliseconds(300)))
        #expect(buckets.take("a", now: start + .milliseconds(500)) == nil)
        #expect(buckets.take("a", now: start + .milliseconds(500)) != nil)
        // Another key has a bucket of its own.
        #expect(buckets.take("b", now: start + .milliseconds(500)) == nil)
    }

    @Test func aRefilledBucketIsForgottenAndAFloodStaysWithinTheBound() {
        let buckets = TokenBuckets(rate: .init(perSecond: 1, burst: 2), capacity: 100)
        for index in 0..<10_000 {
            _ = buckets.take("key-\(index)", now: start)
            #expect(buckets.count <= 100)
        }
        // Two seconds later every bucket has refilled: once the map is full again, they are all swept away.
        for index in 0..<20 { #expect(buckets.take("late-\(index)", now: start + .seconds(2)) == nil) }
        #expect(buckets.count <= 20)
    }

    static func near(_ wait: Duration?, _ expected: Duration) -> Bool {
        guard let wait else { return false }
        return abs((wait - expected) / .microseconds(1)) < 1
    }

    @Test func aLimitedKeyStaysLimitedWhileTheMapHasRoom() {
        let buckets = TokenBuckets(rate: .init(perSecond: 0.01, burst: 1), capacity: 100)
        #expect(buckets.take("flooder", now: start) == nil)
        for index in 0..<50 { _ = buckets.take("other-\(index)", now: start) }
        #expect(buckets.take("flooder", now: start) != nil)
    }
}
