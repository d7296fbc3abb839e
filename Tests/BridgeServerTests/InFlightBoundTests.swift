import BridgeServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The bound on webhook requests read, verified and recorded at once, over loopback against the bridge's HTTP server.
/// Wall-clock-bound: it waits (up to seconds) for held requests to be counted in and out.
@Suite struct InFlightBoundTests {
    /// Polls `condition` every 20 ms for up to 10 s.
    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    @Test func aFullIntakeIs503WithRetryAfterAndRecovers() async throws {
        // Loopback is a trusted proxy, so each held delivery is its own client (X-Forwarded-For): the total bound is met.
        let gate = IntakeGate(limits: IntakeLimits(sourceRate: nil, clientRate: nil, maxInFlight: 2, trustedProxies: [Self.loopback]))
        let bridge = try TestBridge(gate: gate)
        defer { bridge.removeFiles() }
        try await bridge.application().test(.live) { client in
            let port = try #require(client.port)
            // Two deliveries held open mid-body.
            let held = try await RawConnection.run {
                try (1...2).map { index in
                    let connection = try RawConnection(port: port)
                    try connection.send(ConnectionGuardTests.head + "X-Forwarded-For: 10.0.0.\(index)\r\nContent-Length: 20\r\n\r\n{")
                    return connection
                }
            }
            #expect(try await Self.eventually { gate.requestsInFlight == 2 })
            let refused = try await IntakeHTTP.deliver(port: port, delivery: "third")
            #expect(refused.status == 503)
            #expect(refused.retryAfter == "1")
            let answer = try await IntakeHTTP.answerToHead(port: port, contentLength: 1 << 20)
            #expect(answer.hasSuffix(#"{"error":"too many deliveries in progress; retry later","status":"error"}"#), "\(answer)")
            // The held bodies end (unsigned: 401); their places free up.
            let statuses = try await RawConnection.run {
                try held.map { connection in
                    try connection.send(String(repeating: " ", count: 18) + "}")
                    return try connection.receiveResponse().status
                }
            }
            #expect(statuses == [401, 401])
            #expect(try await Self.eventually { gate.requestsInFlight == 0 })
            #expect(try await IntakeHTTP.deliver(port: port, delivery: "fourth").status == 202)
        }
        #expect(bridge.metrics.render().contains(#"gitops_bridge_deliveries_total{source="shop-github",outcome="overloaded"} 2"#))
    }

    // Safety: a valid address.
    static let loopback = AdminNetwork("127.0.0.1")!

    /// One client address gets an eighth of the places: sending bodies slowly, it cannot hold them all.
    @Test func oneClientCannotHoldEveryPlace() async throws {
        let gate = IntakeGate(limits: IntakeLimits(sourceRate: nil, clientRate: nil, maxInFlight: 16, trustedProxies: [Self.loopback]))
        #expect(gate.limits.maxInFlightPerClient == 2)
        let bridge = try TestBridge(gate: gate)
        defer { bridge.removeFiles() }
        try await bridge.application().test(.live) { client in
            let port = try #require(client.port)
            let held = try await RawConnection.run {
                try (0..<2).map { _ in
                    let connection = try RawConnection(port: port)
                    try connection.send(ConnectionGuardTests.head + "X-Forwarded-For: 203.0.113.9\r\nContent-Length: 20\r\n\r\n{")
                    return connection
                }
            }
            #expect(try await Self.eventually { gate.requestsInFlight == 2 })
            let same = try await IntakeHTTP.deliver(port: port, delivery: "same", headers: [("X-Forwarded-For", "203.0.113.9")])
            #expect(same.status == 503 && same.retryAfter == "1")
            // Behind the same proxy, another client is let in; so is one whose proxy wrote the port too.
            #expect(try await IntakeHTTP.deliver(port: port, delivery: "other", headers: [("X-Forwarded-For", "198.51.100.7")]).status == 202)
            let ported = try await IntakeHTTP.deliver(port: port, delivery: "ported", headers: [("X-Forwarded-For", "203.0.113.10:5678")])
            #expect(ported.status == 202)
            withExtendedLifetime(held) {}
        }
        #expect(IntakeGate.address(ofHop: "[2001:db8::1]:443") == "2001:db8::1")
        #expect(IntakeGate.address(ofHop: "2001:db8::1") == "2001:db8::1")
        #expect(IntakeGate.address(ofHop: "192.0.2.1:80") == "192.0.2.1")
    }

    @Test func offMeansNoBound() async throws {
        let gate = IntakeGate(
            limits: IntakeLimits(sourceRate: nil, clientRate: nil, maxInFlight: try IntakeLimits.count("off", flag: "--max-in-flight")))
        #expect(gate.limits.maxInFlight == nil)
        let bridge = try TestBridge(gate: gate)
        defer { bridge.removeFiles() }
        try await bridge.application().test(.live) { client in
            let port = try #require(client.port)
            let held = try await RawConnection.run {
                try (0..<5).map { _ in
                    let connection = try RawConnection(port: port)
                    try connection.send(ConnectionGuardTests.head + "Content-Length: 20\r\n\r\n{")
                    return connection
                }
            }
            #expect(try await Self.eventually { gate.requestsInFlight == 5 })
            #expect(try await IntakeHTTP.deliver(port: port, delivery: "through").status == 202)
            withExtendedLifetime(held) {}
        }
    }
}
