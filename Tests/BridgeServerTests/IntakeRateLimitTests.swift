import BridgeCore
import BridgeServer
import BridgeStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Per-source and per-client token buckets, over loopback through the application `serve` runs. Wall-clock-bound: one
/// test waits out a `Retry-After`.
@Suite struct IntakeRateLimitTests {
    @Test func aBurstBeyondASourcesBucketIs429WithRetryAfterBeforeTheBodyIsRead() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let intake = IntakeLimits(sourceRate: .init(perSecond: 0.01, burst: 3), clientRate: nil, maxInFlight: nil)
        try await IntakeHTTP.application(bridge, intake: intake).test(.live) { client in
            let port = try #require(client.port)
            for index in 0..<3 {
                #expect(try await IntakeHTTP.deliver(port: port, delivery: "burst-\(index)").status == 202)
            }
            // 10 MiB announced, not a byte sent: the answer still arrives, so the body was never waited for.
            let answer = try await IntakeHTTP.answerToHead(port: port, contentLength: 10 << 20)
            #expect(answer.hasPrefix("HTTP/1.1 429"), "\(answer)")
            // One token a hundred seconds: the next one is 100 s away (99 once more than a second has passed since the
            // bucket emptied, as on a loaded machine).
            #expect(answer.contains("Retry-After: 100\r\n") || answer.contains("Retry-After: 99\r\n"), "\(answer)")
            #expect(answer.hasSuffix(#"{"error":"too many requests for this source","status":"error"}"#), "\(answer)")
            let refused = try await IntakeHTTP.deliver(port: port, delivery: "burst-4")
            #expect(refused.status == 429)
            #expect(["100", "99"].contains(refused.retryAfter ?? ""))
            let metrics = try await IntakeHTTP.metrics(port: port)
            #expect(metrics.contains(#"gitops_bridge_deliveries_total{source="shop-github",outcome="rate_limited"} 2"#), "\(metrics)")
        }
        let recorded = try await SQLiteDeliveryStore(path: bridge.databasePath).deliveries(limit: 100, source: nil)
        #expect(recorded.count == 3)
    }

    @Test func oneClientsFloodDoesNotRefuseAnother() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        // The test's connections all come from 127.0.0.1: as a trusted proxy, it names each client in X-Forwarded-For.
        let proxy = try #require(AdminNetwork("127.0.0.1"))
        let intake = IntakeLimits(
            sourceRate: nil, clientRate: .init(perSecond: 0.01, burst: 5), maxInFlight: nil, trustedProxies: [proxy])
        try await IntakeHTTP.application(bridge, intake: intake).test(.live) { client in
            let port = try #require(client.port)
            var statuses: [Int] = []
            for index in 0..<20 {
                // The client wrote its own (forged) hop on the left; the proxy appended the address it saw.
                let forwarded = [("X-Forwarded-For", "198.51.100.\(index), 203.0.113.7")]
                statuses.append(try await IntakeHTTP.deliver(port: port, delivery: "flood-\(index)", headers: forwarded).status)
            }
            #expect(statuses.filter { $0 == 202 }.count == 5)
            #expect(statuses.filter { $0 == 429 }.count == 15)
            let other = try await IntakeHTTP.deliver(port: port, delivery: "other", headers: [("X-Forwarded-For", "203.0.113.8")])
            #expect(other.status == 202)
        }
    }

    /// Requests to a source that does not exist spend the client's tokens too (and are counted as `unknown`).
    @Test func requestsToUnknownSourcesSpendTheClientsTokens() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let intake = IntakeLimits(sourceRate: nil, clientRate: .init(perSecond: 0.01, burst: 3), maxInFlight: nil)
        try await IntakeHTTP.application(bridge, intake: intake).test(.live) { client in
            let port = try #require(client.port)
            var statuses: [Int] = []
            for _ in 0..<4 {
                statuses.append(try await LiveHTTPTests().send(port: port, path: "/hooks/no-such-source", body: Array("{}".utf8)).status)
            }
            #expect(statuses == [404, 404, 404, 429])
            #expect(try await IntakeHTTP.deliver(port: port, delivery: "known").status == 429)
            let metrics = try await IntakeHTTP.metrics(port: port)
            #expect(metrics.contains(#"gitops_bridge_deliveries_total{source="unknown",outcome="rate_limited"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"gitops_bridge_deliveries_total{source="shop-github",outcome="rate_limited"} 1"#), "\(metrics)")
        }
    }

    @Test func withoutATrustedProxyXForwardedForIsIgnored() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let intake = IntakeLimits(sourceRate: nil, clientRate: .init(perSecond: 0.01, burst: 2), maxInFlight: nil)
        try await IntakeHTTP.application(bridge, intake: intake).test(.live) { client in
            let port = try #require(client.port)
            var statuses: [Int] = []
            for index in 0..<4 {
                let forwarded = [("X-Forwarded-For", "203.0.113.\(index)")]
                statuses.append(try await IntakeHTTP.deliver(port: port, delivery: "spoof-\(index)", headers: forwarded).status)
            }
            #expect(statuses == [202, 202, 429, 429])
        }
    }

    @Test func aBucketRefillsAfterItsRetryAfter() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let intake = IntakeLimits(sourceRate: .init(perSecond: 1, burst: 1), clientRate: nil, maxInFlight: nil)
        try await IntakeHTTP.application(bridge, intake: intake).test(.live) { client in
            let port = try #require(client.port)
            #expect(try await IntakeHTTP.deliver(port: port, delivery: "first").status == 202)
            let refused = try await IntakeHTTP.deliver(port: port, delivery: "second")
            #expect(refused.status == 429)
            let wait = try #require(refused.retryAfter.flatMap(Int.init))
            #expect(wait == 1)
            try await Task.sleep(for: .seconds(wait))
            #expect(try await IntakeHTTP.deliver(port: port, delivery: "third").status == 202)
        }
    }

    @Test func theDefaultsAcceptAForgesBurstOfFiftyDeliveries() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let statuses = try await IntakeHTTP.application(bridge, intake: IntakeLimits()).test(.live) { client in
            let port = try #require(client.port)
            return try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<50 {
                    group.addTask { try await IntakeHTTP.deliver(port: port, delivery: "forge-\(index)").status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        #expect(statuses == Array(repeating: 202, count: 50))
    }

    @Test func theClientMapStaysBoundedUnderAFloodOfAddresses() async throws {
        let proxy = try #require(AdminNetwork("127.0.0.1"))
        let gate = IntakeGate(
            limits: IntakeLimits(
                sourceRate: nil, clientRate: .init(perSecond: 0.01, burst: 1), maxInFlight: nil, trustedProxies: [proxy], trackedClients: 64))
        let bridge = try TestBridge(gate: gate)
        defer { bridge.removeFiles() }
        try await bridge.application().test(.live) { client in
            let port = try #require(client.port)
            var most = 0
            for index in 0..<300 {
                let forwarded = [("X-Forwarded-For", "10.\(index / 250).\(index % 250).1")]
                // Each address's first request is let through (and recorded; all but the first as duplicate pushes).
                #expect(try await IntakeHTTP.deliver(port: port, delivery: "many-\(index)", headers: forwarded).status == 202)
                most = max(most, gate.trackedClients)
            }
            #expect(most <= 64)
            #expect(most > 32)
        }
    }
}
