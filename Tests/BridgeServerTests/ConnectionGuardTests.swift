import BridgeServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The listener's own protection, over loopback against the bridge's HTTP server: slow bodies, too many
/// connections, oversized headers, and clients that write a whole refused body before reading the answer.
@Suite struct ConnectionGuardTests {
    static let head = "POST /hooks/shop-github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"

    /// Sends `start`, then a piece of `more` every 100 ms for up to 20 s, until the server closes the connection;
    /// returns what the server answered and how many pieces were sent (200: never cut).
    static func trickle(port: Int, start: String, more: @escaping @Sendable (Int) -> String) async throws -> (answer: String, sent: Int) {
        try await RawConnection.run {
            let connection = try RawConnection(port: port)
            try connection.send(start)
            var answer: [UInt8] = []
            for sent in 1...200 {
                Thread.sleep(forTimeInterval: 0.1)
                let available = connection.receiveAvailable()
                answer += available.bytes
                if available.closed { return (String(decoding: answer, as: UTF8.self), sent) }
                try? connection.send(more(sent))
            }
            return (String(decoding: answer, as: UTF8.self), 200)
        }
    }

    @Test func aSlowBodyIsAnswered408AndCutAtTheBodyTimeout() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let limits = HTTPLimits(maxConnections: 64, bodyTimeout: .seconds(1))
        try await bridge.application(limits: limits).test(.live) { client in
            let port = try #require(client.port)
            // One byte every 100 ms: a body that would take 100 s.
            let (answer, sent) = try await Self.trickle(port: port, start: Self.head + "Content-Length: 1000\r\n\r\n{") { _ in " " }
            #expect(sent < 200, "the slow body was never cut")
            #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
            #expect(answer.hasSuffix(#"{"error":"request body too slow","status":"error"}"#), "\(answer)")
        }
        #expect(bridge.metrics.render().contains(#"gitops_bridge_http_connections_closed_total{reason="body_timeout"} 1"#))
    }

    @Test func headersSentSlowlyAreCutAtTheHeaderTimeout() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let limits = HTTPLimits(maxConnections: 64, headerTimeout: .seconds(1))
        try await bridge.application(limits: limits).test(.live) { client in
            let port = try #require(client.port)
            let (_, sent) = try await Self.trickle(port: port, start: "POST /hooks/shop-github HTTP/1.1\r\n") { "X-Slow-\($0): 1\r\n" }
            #expect(sent < 200, "the slow headers were never cut")
        }
    }

    @Test func aRefusedBodySentSlowlyIsDrainedOnlyUntilTheBodyTimeout() async throws {
        let bridge = try TestBridge(maxBodySize: 64 * 1024)
        defer { bridge.removeFiles() }
        let limits = HTTPLimits(maxConnections: 64, bodyTimeout: .seconds(1))
        try await bridge.application(limits: limits).test(.live) { client in
            let port = try #require(client.port)
            let start = Self.head + "Content-Length: \(10 << 20)\r\n\r\n"
            let (answer, sent) = try await Self.trickle(port: port, start: start) { _ in String(repeating: "a", count: 100) }
            #expect(sent < 200, "the lingering close never ended")
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer)")
        }
    }

    @Test func connectionsBeyondTheBoundAreClosedWhileAWebhookIsAnswered() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let limits = HTTPLimits(maxConnections: 4, bodyTimeout: .seconds(120))
        try await bridge.application(limits: limits).test(.live) { client in
            let port = try #require(client.port)
            let stillOpen = try await RawConnection.run {
                // Twelve clients that start a request and never finish it, one after the other.
                var slow: [RawConnection] = []
                for _ in 0..<12 {
                    let connection = try RawConnection(port: port)
                    try connection.send(Self.head + "Content-Length: 1000\r\n\r\n{")
                    slow.append(connection)
                    Thread.sleep(forTimeInterval: 0.05)
                }
                // Closed within moments; up to 5 s while the whole suite loads this machine's two cores.
                var open = slow
                for _ in 0..<100 {
                    Thread.sleep(forTimeInterval: 0.05)
                    open = open.filter { !$0.receiveAvailable().closed }
                    if open.count <= 4 { break }
                }
                return open.count
            }
            #expect(stillOpen <= 4)
            // A forge's delivery still gets through: the slow clients that waited longest make room for it.
            let body = Deliveries.githubPush()
            let headers = Deliveries.githubHeaders(body: body, delivery: "through-the-crowd")
            #expect(try await LiveHTTPTests().send(port: port, path: "/hooks/shop-github", headers: headers, body: body).status == 202)
        }
        #expect(bridge.metrics.render().contains(#"gitops_bridge_http_connections_closed_total{reason="connection_limit"}"#))
    }

    @Test(arguments: [
        "X-Big: " + String(repeating: "a", count: 100 * 1024) + "\r\n",
        (0..<1100).map { "X-Header-\($0): 1\r\n" }.joined(),
    ])
    func headersOverTheLimitsAre431(headers: String) async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        try await bridge.application().test(.live) { client in
            let port = try #require(client.port)
            let answer = try await RawConnection.run {
                let connection = try RawConnection(port: port)
                try connection.send(Self.head + headers + "Content-Length: 2\r\n\r\n{}")
                return try connection.receiveResponse()
            }
            #expect(answer.status == 431)
            #expect(answer.body == #"{"error":"request header fields too large","status":"error"}"#)
        }
    }

    /// Ruby's `Net::HTTP` (which GitLab sends hooks with) and Python's `http.client` write the whole body before
    /// reading; `Net::HTTP` also says `Connection: close`.
    @Test(arguments: ["Connection: close\r\n", ""])
    func aClientThatWritesItsWholeBodyBeforeReadingReads413(connectionHeader: String) async throws {
        let bridge = try TestBridge(maxBodySize: 64 * 1024)
        defer { bridge.removeFiles() }
        try await bridge.application().test(.live) { client in
            let port = try #require(client.port)
            let answer = try await RawConnection.run {
                let connection = try RawConnection(port: port, timeout: .seconds(60))
                let size = 32 << 20
                try connection.send(Self.head + connectionHeader + "Content-Length: \(size)\r\n\r\n")
                try connection.send([UInt8](repeating: UInt8(ascii: "a"), count: size))
                return try connection.receiveResponse()
            }
            #expect(answer.status == 413)
            #expect(answer.body == #"{"error":"payload too large","status":"error"}"#)
        }
    }

    @Test func aRefusedBodyIsDrainedOnlyUpToTheDrainLimit() async throws {
        let bridge = try TestBridge(maxBodySize: 64 * 1024)
        defer { bridge.removeFiles() }
        let limits = HTTPLimits(maxConnections: 64, drainLimit: 1 << 20)
        try await bridge.application(limits: limits).test(.live) { client in
            let port = try #require(client.port)
            let accepted = try await RawConnection.run {
                let connection = try RawConnection(port: port, timeout: .seconds(60))
                let size = 256 << 20
                try connection.send(Self.head + "Content-Length: \(size)\r\n\r\n")
                let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
                for sent in 0..<256 {
                    do { try connection.send(chunk) } catch { return sent }
                }
                return 256
            }
            // The server stopped reading a little after 1 MiB; the rest filled the sockets' buffers, then failed.
            #expect(accepted < 64)
        }
    }
}
