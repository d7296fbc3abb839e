import BridgeCore
import BridgeServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct WebhookRouteTests {
    func post(
        _ client: some TestClientProtocol, source: String = "shop-github", body: [UInt8], headers: [(String, String)]
    ) async throws -> (status: Int, json: [String: Any]) {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return try await client.execute(uri: "/hooks/\(source)", method: .post, headers: fields, body: ByteBuffer(bytes: body)) { response in
            let json = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
            return (Int(response.status.code), json)
        }
    }

    @Test func signedPushIsQueuedWithOneRunPerMatchingRule() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        try await bridge.application().test(.router) { client in
            let body = Deliveries.githubPush()
            let answer = try await post(client, body: body, headers: Deliveries.githubHeaders(body: body, delivery: "d-1"))
            #expect(answer.status == 202)
            #expect(answer.json["status"] as? String == "queued")
            let runs = try #require(answer.json["runs"] as? [[String: Any]])
            #expect(runs.compactMap { $0["rule"] as? String }.sorted() == ["api-changes", "main-to-staging"])
        }
        let runs = try await bridge.store.runs(limit: 10, status: nil)
        #expect(runs.count == 2)
        #expect(runs.allSatisfy { $0.sha == "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3" && $0.ref == "refs/heads/main" })
        let detail = try await bridge.store.run(id: try #require(runs.first { $0.rule == "main-to-staging" }).id)
        #expect(detail.steps.map(\.target) == ["smoke"])
        #expect(detail.summary.environment == "staging")
    }

    @Test func sameDeliveryTwiceIsADuplicate() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        try await bridge.application().test(.router) { client in
            let body = Deliveries.githubPush()
            let headers = Deliveries.githubHeaders(body: body, delivery: "d-dup")
            let first = try await post(client, body: body, headers: headers)
            let second = try await post(client, body: body, headers: headers)
            #expect(first.status == 202)
            #expect(second.status == 200)
            #expect(second.json["status"] as? String == "duplicate")
            #expect(second.json["delivery"] as? Int == first.json["delivery"] as? Int)
            #expect((second.json["reason"] as? String)?.isEmpty == false)
        }
        #expect(try await bridge.store.runs(limit: 10, status: nil).count == 2)
        let deliveries = try await bridge.store.deliveries(limit: 10, source: nil)
        #expect(deliveries.count == 1)
        #expect(deliveries.first?.duplicates == 1)
    }

    @Test func samePushThroughAnotherDeliveryIsADuplicate() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        try await bridge.application().test(.router) { client in
            let body = Deliveries.githubPush()
            _ = try await post(client, body: body, headers: Deliveries.githubHeaders(body: body, delivery: "d-a"))
            let again = try await post(client, body: body, headers: Deliveries.githubHeaders(body: body, delivery: "d-b"))
            #expect(again.status == 200)
            #expect(again.json["status"] as? String == "duplicate")
        }
        #expect(try await bridge.store.runs(limit: 10, status: nil).count == 2)
        #expect(try await bridge.store.deliveries(limit: 10, source: nil).count == 2)
    }

    @Test func unmatchedAndDeletedAndPingAreRecordedAsIgnored() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        try await bridge.application().test(.router) { client in
            let develop = Deliveries.githubPush(branch: "develop")
            let unmatched = try await post(client, body: develop, headers: Deliveries.githubHeaders(body: develop, delivery: "d-dev"))
            #expect(unmatched.status == 200)
            #expect(unmatched.json["status"] as? String == "ignored")
            #expect((unmatched.json["reason"] as? String)?.contains("develop") == true)

            let zero = String(repeating: "0", count: 40)
            let deletion = Array(
                """
                {"ref":"refs/heads/main","before":"3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3","after":"\(zero)","created":false,
                 "deleted":true,"forced":false,"commits":[],"head_commit":null,
                 "repository":{"id":1,"name":"shop","full_name":"acme/shop","clone_url":"https://github.com/acme/shop.git"},
                 "pusher":{"name":"alice"},"sender":{"login":"alice"}}
                """.utf8)
            let deleted = try await post(client, body: deletion, headers: Deliveries.githubHeaders(body: deletion, delivery: "d-del"))
            #expect(deleted.status == 200)
            #expect(deleted.json["status"] as? String == "ignored")

            let ping = Array(#"{"zen":"Design for failure.","hook_id":1,"hook":{"type":"Repository","id":1}}"#.utf8)
            let pinged = try await post(client, body: ping, headers: Deliveries.githubHeaders(body: ping, delivery: "d-ping", event: "ping"))
            #expect(pinged.status == 200)
            #expect(pinged.json["status"] as? String == "ping")
        }
        let deliveries = try await bridge.store.deliveries(limit: 10, source: nil)
        #expect(deliveries.count == 3)
        #expect(deliveries.allSatisfy { $0.runCount == 0 && $0.reason != nil })
        #expect(try await bridge.store.runs(limit: 10, status: nil).isEmpty)
    }

    @Test func badSignatureIs401WithNoDetailAndNothingRecorded() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        try await bridge.application().test(.router) { client in
            let body = Deliveries.githubPush()
            let wrongSecret = try await post(
                client, body: body, headers: Deliveries.githubHeaders(body: body, delivery: "d-x", secret: "not-the-secret"))
            #expect(wrongSecret.status == 401)
            #expect(wrongSecret.json["error"] as? String == "unauthorized")
            #expect(wrongSecret.json.count == 2)  // status + error, nothing about why

            var tampered = body
            tampered[tampered.count / 2] ^= 0x01
            let flipped = try await post(client, body: tampered, headers: Deliveries.githubHeaders(body: body, delivery: "d-y"))
            #expect(flipped.status == 401)

            let unsigned = try await post(client, body: body, headers: [("X-GitHub-Event", "push"), ("X-GitHub-Delivery", "d-z")])
            #expect(unsigned.status == 401)
        }
        #expect(try await bridge.store.deliveries(limit: 10, source: nil).isEmpty)
    }

    @Test func malformedPayloadIs400() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        try await bridge.application().test(.router) { client in
            let body = Array(#"{"ref": "refs/heads/main", "commits": [ "#.utf8)
            let answer = try await post(client, body: body, headers: Deliveries.githubHeaders(body: body, delivery: "d-bad"))
            #expect(answer.status == 400)
            #expect((answer.json["error"] as? String)?.hasPrefix("malformed payload") == true)
        }
        #expect(try await bridge.store.deliveries(limit: 10, source: nil).isEmpty)
    }

    @Test func unknownSourceIs404AndOtherMethodsAre405() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        try await bridge.application().test(.router) { client in
            let body = Deliveries.githubPush()
            let unknown = try await post(client, source: "nope", body: body, headers: Deliveries.githubHeaders(body: body, delivery: "d"))
            #expect(unknown.status == 404)
            try await client.execute(uri: "/hooks/shop-github", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
        }
    }

    @Test func bodyOverTheCapIs413() async throws {
        let bridge = try TestBridge(maxBodySize: 1024)
        defer { bridge.removeFiles() }
        try await bridge.application().test(.router) { client in
            let body = [UInt8](repeating: UInt8(ascii: " "), count: 4096)
            let answer = try await post(client, body: body, headers: Deliveries.githubHeaders(body: body, delivery: "d-big"))
            #expect(answer.status == 413)
        }
    }

    @Test func storeFailureIs503AndReadinessFails() async throws {
        let bridge = try TestBridge(store: FailingStore())
        defer { bridge.removeFiles() }
        try await bridge.application().test(.router) { client in
            let body = Deliveries.githubPush()
            let answer = try await post(client, body: body, headers: Deliveries.githubHeaders(body: body, delivery: "d-503"))
            #expect(answer.status == 503)
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                // The cause goes to the log; an unauthenticated caller learns nothing of the internals.
                #expect(String(buffer: response.body) == "not ready\n")
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func metricsCountDeliveriesBySourceAndOutcome() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        try await bridge.application().test(.router) { client in
            let body = Deliveries.githubPush()
            _ = try await post(client, body: body, headers: Deliveries.githubHeaders(body: body, delivery: "m-1"))
            _ = try await post(client, body: body, headers: Deliveries.githubHeaders(body: body, delivery: "m-1"))
            _ = try await post(client, body: body, headers: Deliveries.githubHeaders(body: body, delivery: "m-2", secret: "wrong"))
            try await client.execute(uri: "/readyz", method: .get) { response in #expect(response.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"gitops_bridge_deliveries_total{source="shop-github",outcome="queued"} 1"#))
                #expect(text.contains(#"gitops_bridge_deliveries_total{source="shop-github",outcome="duplicate_delivery"} 1"#))
                #expect(text.contains(#"gitops_bridge_deliveries_total{source="shop-github",outcome="unauthorized"} 1"#))
                // The HTTP metrics come through swift-metrics, bootstrapped by `serve` only: ServeObservabilityTests.
            }
        }
    }
}

/// Stands in for a database that cannot be written (disk full, file removed): every call fails.
struct FailingStore: DeliveryStore {
    func record(_ delivery: NewDelivery) async throws(StoreError) -> RecordOutcome { throw .unavailable("disk I/O error") }
    func checkReady() async throws(StoreError) { throw .unavailable("disk I/O error") }
    func deliveries(_ query: DeliveryQuery) async throws(StoreError) -> Page<DeliverySummary> { throw .unavailable("disk I/O error") }
    func delivery(id: Int64) async throws(StoreError) -> DeliveryDetail { throw .unavailable("disk I/O error") }
    func runs(_ query: RunQuery) async throws(StoreError) -> Page<RunSummary> { throw .unavailable("disk I/O error") }
    func run(id: Int64) async throws(StoreError) -> RunDetail { throw .unavailable("disk I/O error") }
    func sourceActivity(sources: [String], since: Date) async throws(StoreError) -> [SourceActivity] { throw .unavailable("disk I/O error") }
    func queueCounts() async throws(StoreError) -> QueueCounts { throw .unavailable("disk I/O error") }
}
