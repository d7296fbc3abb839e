import AsyncHTTPClient
import BridgeCore
import BridgeServer
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

/// Real HTTP over loopback: the server on a free port, requests from AsyncHTTPClient.
@Suite struct LiveHTTPTests {
    func send(port: Int, path: String, method: HTTPMethod = .POST, headers: [(String, String)] = [], body: [UInt8]? = nil)
        async throws -> (status: Int, body: String)
    {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        return (Int(response.status.code), text)
    }

    @Test func everyStatusCodeOverLoopback() async throws {
        let bridge = try TestBridge(maxBodySize: 64 * 1024)
        defer { bridge.removeFiles() }
        try await bridge.application().test(.live) { client in
            let port = try #require(client.port)
            let body = Deliveries.githubPush()
            let headers = Deliveries.githubHeaders(body: body, delivery: "live-1")
            #expect(try await send(port: port, path: "/hooks/shop-github", headers: headers, body: body).status == 202)
            #expect(try await send(port: port, path: "/hooks/shop-github", headers: headers, body: body).status == 200)
            let garbage = Array("not json".utf8)
            let garbageHeaders = Deliveries.githubHeaders(body: garbage, delivery: "live-2")
            #expect(try await send(port: port, path: "/hooks/shop-github", headers: garbageHeaders, body: garbage).status == 400)
            let forged = Deliveries.githubHeaders(body: body, delivery: "live-3", secret: "forged")
            let refused = try await send(port: port, path: "/hooks/shop-github", headers: forged, body: body)
            #expect(refused.status == 401)
            #expect(!refused.body.contains("signature"))
            #expect(try await send(port: port, path: "/hooks/nowhere", headers: headers, body: body).status == 404)
            #expect(try await send(port: port, path: "/hooks/shop-github", method: .GET).status == 405)
            let huge = [UInt8](repeating: UInt8(ascii: "a"), count: 200 * 1024)
            #expect(try await send(port: port, path: "/hooks/shop-github", headers: headers, body: huge).status == 413)
            #expect(try await send(port: port, path: "/healthz", method: .GET).status == 200)
            #expect(try await send(port: port, path: "/readyz", method: .GET).status == 200)
        }
    }

    @Test func storeUnavailableIs503OverLoopback() async throws {
        let bridge = try TestBridge(store: FailingStore())
        defer { bridge.removeFiles() }
        try await bridge.application().test(.live) { client in
            let port = try #require(client.port)
            let body = Deliveries.githubPush()
            let answer = try await send(
                port: port, path: "/hooks/shop-github", headers: Deliveries.githubHeaders(body: body, delivery: "s"), body: body)
            #expect(answer.status == 503)
        }
    }

    @Test func fiftyConcurrentCopiesOfOneDeliveryRecordOnce() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let statuses = try await bridge.application().test(.live) { client in
            let port = try #require(client.port)
            let body = Deliveries.githubPush()
            let headers = Deliveries.githubHeaders(body: body, delivery: "storm")
            return try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await send(port: port, path: "/hooks/shop-github", headers: headers, body: body).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        #expect(statuses.filter { $0 == 202 }.count == 1)
        #expect(statuses.filter { $0 == 200 }.count == 49)
        let deliveries = try await bridge.store.deliveries(limit: 100, source: nil)
        #expect(deliveries.count == 1)
        #expect(deliveries.first?.duplicates == 49)
        #expect(try await bridge.store.runs(limit: 100, status: nil).count == 2)
    }
}
