import AsyncHTTPClient
import BridgeCore
import BridgeServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// Helpers of the overload suites: the bridge as `serve` assembles it, deliveries with their answer's headers, and a raw
/// request that stops after its head.
enum IntakeHTTP {
    /// `serve`'s application for `bridge`'s rules with `intake`'s limits, on a free port, its database of its own.
    static func application(_ bridge: TestBridge, intake: IntakeLimits) async throws -> some ApplicationProtocol {
        var configuration = ServeConfiguration(
            rulesPath: bridge.rulesPath, databasePath: bridge.databasePath, port: 0, logLevel: .critical, environment: [:])
        configuration.intake = intake
        return try await BridgeServerApp.make(configuration: configuration, resolver: ProcessSecretResolver(environment: TestBridge.environment))
    }

    /// POSTs a signed GitHub push (delivery id `delivery`) with extra headers; the status and `Retry-After`.
    static func deliver(port: Int, delivery: String, headers extra: [(String, String)] = []) async throws -> (status: Int, retryAfter: String?) {
        let body = Deliveries.githubPush(sha: Self.sha(delivery))
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/hooks/shop-github")
        request.method = .POST
        for (name, value) in Deliveries.githubHeaders(body: body, delivery: delivery) + extra { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers.first(name: "Retry-After"))
    }

    /// A distinct commit per delivery, so none is a duplicate push of another.
    static func sha(_ delivery: String) -> String {
        let hex = Array(delivery.utf8).map { String($0, radix: 16) }.joined()
        return String((hex + String(repeating: "0", count: 40)).prefix(40))
    }

    /// Sends only a request's head (announcing `contentLength` bytes) and returns the whole answer as text, read without
    /// sending a byte of the body.
    static func answerToHead(port: Int, contentLength: Int, extra: String = "") async throws -> String {
        try await RawConnection.run {
            let connection = try RawConnection(port: port)
            try connection.send(ConnectionGuardTests.head + extra + "Content-Length: \(contentLength)\r\n\r\n")
            var answer: [UInt8] = []
            for _ in 0..<100 {
                answer += connection.receiveAvailable().bytes
                if String(decoding: answer, as: UTF8.self).hasSuffix("}") { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return String(decoding: answer, as: UTF8.self)
        }
    }

    /// The `/metrics` text of the listener on `port`.
    static func metrics(port: Int) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(30))
        return String(buffer: try await response.body.collect(upTo: 1 << 20))
    }
}
