import BridgeCore
import Testing

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maximumAttempts: 5, initialDelay: .seconds(2), maximumDelay: .seconds(30))
    let throttled = ProviderError.retryable("TooManyRequestsException")

    @Test(arguments: [(1, 2), (2, 4), (3, 8), (4, 16)])
    func theCeilingDoublesAfterEachFailure(attempt: Int, ceiling: Int) {
        #expect(policy.delay(after: attempt, error: throttled, random: 0.999_999)! <= .seconds(ceiling))
        #expect(policy.delay(after: attempt, error: throttled, random: 0.999_999)! > .seconds(ceiling) * 0.99)
    }

    @Test func jitterSpreadsDelaysBetweenATenthAndTheCeiling() {
        #expect(policy.delay(after: 3, error: throttled, random: 0) == .seconds(8) * 0.1)
        #expect(policy.delay(after: 3, error: throttled, random: 0.5) == .seconds(8) * 0.55)
    }

    @Test func theCeilingIsCapped() {
        let patient = RetryPolicy(maximumAttempts: 40, initialDelay: .seconds(2), maximumDelay: .seconds(30))
        #expect(patient.delay(after: 35, error: throttled, random: 0.999_999)! <= .seconds(30))
    }

    @Test func retryAfterIsHonouredButCapped() {
        let asked = ProviderError.retryable("429", retryAfter: .seconds(20))
        #expect(policy.delay(after: 1, error: asked, random: 0) == .seconds(20))
        let greedy = ProviderError.retryable("429", retryAfter: .seconds(3600))
        #expect(policy.delay(after: 1, error: greedy, random: 0) == .seconds(30))
        // A longer backoff than the server asked for stands.
        let short = ProviderError.retryable("429", retryAfter: .milliseconds(1))
        #expect(policy.delay(after: 4, error: short, random: 0.999_999)! > .seconds(15))
    }

    @Test func noDelayForPermanentErrorsOrAfterTheLastAttempt() {
        #expect(policy.delay(after: 1, error: .permanent("NotFoundException"), random: 0.5) == nil)
        #expect(policy.delay(after: 5, error: throttled, random: 0.5) == nil)
        #expect(policy.delay(after: 4, error: throttled, random: 0.5) != nil)
    }

    @Test func aRateLimitIsWaitedOutWhateverTheAttemptAndNeverGivesUp() {
        let limited = ProviderError.rateLimited("API rate limit exceeded", retryAfter: .seconds(1800))
        #expect(policy.delay(after: 1, error: limited, random: 0.5) == .seconds(1800))
        #expect(policy.delay(after: 50, error: limited, random: 0.5) == .seconds(1800))
        #expect(policy.delay(after: 1, error: .rateLimited("x", retryAfter: .seconds(7200)), random: 0) == RetryPolicy.rateLimitWait)
        #expect(policy.delay(after: 1, error: .rateLimited("x", retryAfter: .zero), random: 0) == .seconds(1))
        #expect(limited.isRetryable)
    }
}
