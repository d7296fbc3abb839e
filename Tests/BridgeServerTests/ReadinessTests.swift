import BridgeCore
import BridgeServer
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

@testable import BridgeStore

/// `/readyz` over loopback follows whether deliveries can be recorded now, and never tells an unauthenticated caller why.
@Suite struct ReadinessTests {
    let live = LiveHTTPTests()

    /// SQLite's page cap on the store's writer connection: a full disk as SQLite sees it (`SQLITE_FULL`).
    static func capPages(of store: SQLiteDeliveryStore, at pages: Int?) async throws {
        try await store.pool.writeWithoutTransaction { db in
            let cap = try pages ?? Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
            try db.execute(sql: "PRAGMA max_page_count = \(cap)")
        }
    }

    func deliver(_ index: Int, port: Int) async throws -> Int {
        let body = Deliveries.githubPush(sha: String(format: "%040x", index))
        let headers = Deliveries.githubHeaders(body: body, delivery: "ready-\(index)")
        return try await live.send(port: port, path: "/hooks/shop-github", headers: headers, body: body).status
    }

    @Test func readinessFailsWhileTheDiskIsFullAndRecovers() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let store = bridge.sqlite
        try await bridge.application().test(.live) { client in
            let port = try #require(client.port)
            #expect(try await live.send(port: port, path: "/readyz", method: .GET).status == 200)
            try await Self.capPages(of: store, at: nil)
            var index = 0
            var status = 202
            while status != 503 && index < 500 {
                index += 1
                status = try await deliver(index, port: port)
            }
            #expect(status == 503, "the capped database kept taking deliveries")

            let notReady = try await live.send(port: port, path: "/readyz", method: .GET)
            #expect(notReady.status == 503)
            #expect(notReady.body == "not ready\n")

            // Space comes back: readiness follows without a restart (the store probes with a real write).
            try await Self.capPages(of: store, at: 1 << 30)
            var ready = 503
            for _ in 0..<100 where ready != 200 {
                try await Task.sleep(for: .milliseconds(100))
                ready = try await live.send(port: port, path: "/readyz", method: .GET).status
            }
            #expect(ready == 200)
            #expect(try await deliver(index + 1, port: port) == 202)
        }
    }

    @Test func readinessProbesAWriteWhenNoDeliveryCameLately() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let store = bridge.sqlite
        try await bridge.application().test(.live) { client in
            let port = try #require(client.port)
            // No delivery fails first: the disk fills while the bridge is idle, and readiness still notices.
            try await Self.capPages(of: store, at: nil)
            var ready = 200
            for _ in 0..<100 where ready != 503 {
                ready = try await live.send(port: port, path: "/readyz", method: .GET).status
                if ready != 503 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(ready == 503)
        }
    }
}
