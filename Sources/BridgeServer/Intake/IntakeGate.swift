import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Sheds webhook intake before it costs anything: per-source and per-client token buckets, checked before the body is
/// read or the signature checked (429), and a bound on requests being read, verified and recorded at once (503).
public final class IntakeGate: Sendable {
    /// A refusal: the answer, and the seconds a client should wait before it tries again (`Retry-After`).
    struct Refusal: Sendable {
        var response: IntakeResponse
        var retryAfter: Int
    }

    /// A full intake is retried after a second: a request in flight takes milliseconds, unless its client is slow.
    static let overloadedRetryAfter = 1
    // Safety: a valid field name, so never nil.
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    public let limits: IntakeLimits
    let sources: TokenBuckets?
    let clients: TokenBuckets?
    /// Requests in intake now, in all and by client address (only those with one in).
    private let inFlight = Mutex((total: 0, byClient: [String: Int]()))
    private let now: @Sendable () -> ContinuousClock.Instant

    public init(limits: IntakeLimits = IntakeLimits(), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.limits = limits
        // Sources are named in the rules, so their map is small; the bound only guards against a rules file of thousands.
        sources = limits.sourceRate.map { TokenBuckets(rate: $0, capacity: limits.trackedClients) }
        clients = limits.clientRate.map { TokenBuckets(rate: $0, capacity: limits.trackedClients) }
        self.now = now
    }

    /// Takes a token for the client; nil when it had one. Taken before the source is looked up (and before the
    /// source's token, so a flooding client spends its own tokens first): requests to unknown sources spend it too.
    func admit(client: String?) -> Refusal? {
        if let clients, let client, let wait = clients.take(client, now: now()) {
            return Refusal(response: .rateLimited("too many requests from this address"), retryAfter: Self.seconds(wait))
        }
        return nil
    }

    /// Takes a token for the source; nil when it had one.
    func admit(source: String) -> Refusal? {
        if let sources, let wait = sources.take(source, now: now()) {
            return Refusal(response: .rateLimited("too many requests for this source"), retryAfter: Self.seconds(wait))
        }
        return nil
    }

    /// Counts a request of `client` into intake; false (and not counted) when `maxInFlight` are already in, or
    /// `maxInFlightPerClient` of that client's.
    func enter(client: String?) -> Bool {
        inFlight.withLock { state in
            if let maximum = limits.maxInFlight, state.total >= maximum { return false }
            if let client, let maximum = limits.maxInFlightPerClient {
                let mine = state.byClient[client, default: 0]
                guard mine < maximum else { return false }
                state.byClient[client] = mine + 1
            }
            state.total += 1
            return true
        }
    }

    /// Counts a request of `client` out of intake; once per successful `enter(client:)`.
    func leave(client: String?) {
        inFlight.withLock { state in
            state.total -= 1
            guard let client, limits.maxInFlightPerClient != nil, let mine = state.byClient[client] else { return }
            state.byClient[client] = mine > 1 ? mine - 1 : nil
        }
    }

    /// Client addresses whose buckets are tracked now.
    public var trackedClients: Int {
        clients?.count ?? 0
    }

    /// Requests in intake now.
    public var requestsInFlight: Int {
        inFlight.withLock { $0.total }
    }

    /// The client of a request: the connection's peer, or, when the peer is a `--trusted-proxy`, the nearest address in
    /// `X-Forwarded-For` that is not one (walking from the right: a client can write anything on the left).
    func client(peer: SocketAddress?, forwardedFor: [String]) -> String? {
        guard let peerText = peer?.ipAddress else { return nil }
        guard !limits.trustedProxies.isEmpty, isTrusted(peer) else { return peerText }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peerText
        for hop in hops.reversed().map(Self.address(ofHop:)) {
            guard let address = try? SocketAddress(ipAddress: hop, port: 0) else { break }
            client = hop
            guard isTrusted(address) else { break }
        }
        return client
    }

    /// A hop's address without the port some proxies add: `1.2.3.4:5678` and `[2001:db8::1]:443` (an IPv6 address
    /// without brackets has no port).
    public static func address(ofHop hop: String) -> String {
        if hop.hasPrefix("["), let end = hop.firstIndex(of: "]") { return String(hop[hop.index(after: hop.startIndex)..<end]) }
        let parts = hop.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 2 ? String(parts[0]) : hop
    }

    private func isTrusted(_ address: SocketAddress?) -> Bool {
        limits.trustedProxies.contains { $0.contains(address) }
    }

    /// Whole seconds, rounded up, at least 1.
    static func seconds(_ wait: Duration) -> Int {
        let (seconds, attoseconds) = wait.components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }
}

extension IntakeResponse {
    static func rateLimited(_ message: String) -> IntakeResponse {
        failure(429, message, outcome: "rate_limited")
    }

    static let overloaded = failure(503, "too many deliveries in progress; retry later", outcome: "overloaded")
}
