/// Exponential backoff with full jitter, honouring a provider's `Retry-After`.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var maximumAttempts: Int
    /// The delay before the second attempt, doubled after each further failure.
    public var initialDelay: Duration
    /// The largest delay between attempts.
    public var maximumDelay: Duration

    /// The longest single wait for a rate limit (GitHub's primary limit resets within the hour).
    public static let rateLimitWait: Duration = .seconds(3600)

    public init(maximumAttempts: Int = 5, initialDelay: Duration = .seconds(2), maximumDelay: Duration = .seconds(300)) {
        self.maximumAttempts = maximumAttempts
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    /// The delay before attempt `attempt + 1` after attempt `attempt` failed with `error`, or nil when no attempt
    /// is left or the error is permanent. `random` is a number in [0, 1) (injected, so tests are exact).
    /// A rate limit is waited out whatever the attempt (`rateLimitWait` at most, then asked again).
    public func delay(after attempt: Int, error: ProviderError, random: Double) -> Duration? {
        if case .rateLimited(_, let retryAfter) = error { return min(max(retryAfter, .seconds(1)), Self.rateLimitWait) }
        guard case .retryable(_, let retryAfter) = error, attempt < maximumAttempts else { return nil }
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(initialDelay * (1 << exponent), maximumDelay)
        // Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"), never less than a tenth of the ceiling.
        let jittered = ceiling * (0.1 + 0.9 * min(max(random, 0), 1))
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, maximumDelay))
    }
}
