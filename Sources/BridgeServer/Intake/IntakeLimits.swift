import Foundation

/// How much webhook intake the listener accepts before it refuses, checked before a request's body is read.
public struct IntakeLimits: Sendable, Hashable {
    /// A forge sends a burst of a few dozen deliveries to one source (a merge train, a tag per service): 200 at once, and
    /// 50 a second after that, never refuses one.
    public static let defaultSourceRate = TokenBuckets.Rate(perSecond: 50, burst: 200)
    /// GitHub and GitLab.com send from a handful of addresses each, so one address sees at most a source's burst split
    /// a few ways; 100 at once, 20 a second after that.
    public static let defaultClientRate = TokenBuckets.Rate(perSecond: 20, burst: 100)
    /// Each request in flight holds its body (up to the body cap) while it is verified and recorded.
    public static let defaultMaxInFlight = 256
    /// The client addresses tracked at once.
    public static let defaultTrackedClients = 10_000

    /// Each source's bucket; nil: no limit.
    public var sourceRate: TokenBuckets.Rate?
    /// Each client address's bucket; nil: no limit.
    public var clientRate: TokenBuckets.Rate?
    /// The most webhook requests read, verified and recorded at once; nil: no limit.
    public var maxInFlight: Int?
    /// Proxies (`--trusted-proxy`) whose `X-Forwarded-For` names the client; without any, the connection's peer is the
    /// client.
    public var trustedProxies: [AdminNetwork]
    /// The most client addresses tracked at once.
    public var trackedClients: Int

    /// The most requests one client address may have in intake at once: an eighth of `maxInFlight` (at least 1), so a
    /// client that sends its bodies slowly cannot hold every place while forges are answered 503.
    public var maxInFlightPerClient: Int? {
        maxInFlight.map { max(1, $0 / 8) }
    }

    /// The slowest rate accepted: one request in 1,000 seconds (a slower one would make `Retry-After` overflow).
    static let slowestRate = 0.001

    public init(
        sourceRate: TokenBuckets.Rate? = defaultSourceRate, clientRate: TokenBuckets.Rate? = defaultClientRate,
        maxInFlight: Int? = defaultMaxInFlight, trustedProxies: [AdminNetwork] = [], trackedClients: Int = defaultTrackedClients
    ) {
        self.sourceRate = sourceRate
        self.clientRate = clientRate
        self.maxInFlight = maxInFlight
        self.trustedProxies = trustedProxies
        self.trackedClients = trackedClients
    }

    /// No limits at all.
    public static let unlimited = IntakeLimits(sourceRate: nil, clientRate: nil, maxInFlight: nil)

    /// Why a limit's text is not accepted; says which flag and what was given.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// A bucket from a rate (requests a second, e.g. `50` or `0.5`) and a burst; a rate of `0` or `off` disables it.
    public static func rate(_ text: String, flag: String, burst: Int) throws(ParseError) -> TokenBuckets.Rate? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "off" { return nil }
        guard let perSecond = Double(trimmed), perSecond.isFinite, perSecond == 0 || perSecond >= slowestRate else {
            throw ParseError(description: "\(flag) must be requests per second (a number; 0 or 'off' for no limit), got '\(text)'")
        }
        guard burst >= 1 else { throw ParseError(description: "the burst of \(flag) must be a positive integer, got \(burst)") }
        return perSecond > 0 ? TokenBuckets.Rate(perSecond: perSecond, burst: burst) : nil
    }

    /// A count where `0` or `off` means no limit (`--max-in-flight`).
    public static func count(_ text: String, flag: String) throws(ParseError) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "off" { return nil }
        guard let value = Int(trimmed), value >= 0 else {
            throw ParseError(description: "\(flag) must be a positive integer, 0 or 'off' for no limit, got '\(text)'")
        }
        return value == 0 ? nil : value
    }

    /// `--trusted-proxy` networks: `ADDRESS[/PREFIX]`, IPv4 or IPv6.
    public static func networks(_ texts: [String], flag: String) throws(ParseError) -> [AdminNetwork] {
        var networks: [AdminNetwork] = []
        for text in texts {
            guard let network = AdminNetwork(text.trimmingCharacters(in: .whitespaces)) else {
                throw ParseError(description: "\(flag) must be an IP address or CIDR network such as 10.0.0.0/8, got '\(text)'")
            }
            networks.append(network)
        }
        return networks
    }
}
