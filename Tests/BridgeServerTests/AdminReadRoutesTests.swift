import BridgeCore
import BridgeServer
import BridgeStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The admin API's newer read routes: cursors and filters, a delivery's stored detail, a step's log, sources, targets,
/// rules, the overview and the OpenAPI document.
@Suite struct AdminReadRoutesTests {
    typealias API = AdminAPITests

    @Test func listsPageWithACursorAndFilter() async throws {
        let bridge = try await API.bridgeWithTwoRuns()
        defer { bridge.removeFiles() }
        try await API.admin(bridge).test(.router) { client in
            let token = API.viewerToken
            let first = try await API.send(client, "/api/v1/runs?limit=1", token: token)
            let cursor = try #require(first.object["nextCursor"] as? String)
            let second = try await API.send(client, "/api/v1/runs?limit=1&cursor=\(cursor)", token: token)
            #expect(second.items.count == 1)
            #expect(second.object["nextCursor"] == nil)
            #expect((second.items[0]["id"] as? Int ?? 0) < Int(cursor) ?? 0)
            #expect(try await API.send(client, "/api/v1/runs?rule=main-to-staging", token: token).items.count == 1)
            #expect(try await API.send(client, "/api/v1/runs?environment=staging&source=shop-github", token: token).items.count == 1)
            #expect(try await API.send(client, "/api/v1/runs?repository=nobody/else", token: token).items.isEmpty)
            #expect(try await API.send(client, "/api/v1/runs?since=2000-01-01T00:00:00Z", token: token).items.count == 2)
            #expect(try await API.send(client, "/api/v1/runs?until=2000-01-01T00:00:00.5Z", token: token).items.isEmpty)
            let deliveries = try await API.send(client, "/api/v1/deliveries?status=queued&repository=acme/shop", token: token)
            #expect(deliveries.items.count == 1)
            #expect(deliveries.items.first?["repository"] as? String == "acme/shop")
        }
    }

    @Test func aDeliveryShowsItsMaskedHeadersAndWhatEachRuleSaid() async throws {
        let bridge = try await API.bridgeWithTwoRuns()
        defer { bridge.removeFiles() }
        try await API.admin(bridge).test(.router) { client in
            let answer = try await API.send(client, "/api/v1/deliveries/1", token: API.viewerToken)
            let headers = answer.object["headers"] as? [[String: String]] ?? []
            #expect(headers.contains { $0["name"] == "x-hub-signature-256" && $0["value"] == "(masked)" })
            #expect(headers.contains { $0["name"] == "x-github-delivery" && $0["value"] == "a-1" })
            let events = answer.object["events"] as? [[String: Any]] ?? []
            let verdicts = events.first?["verdicts"] as? [[String: Any]] ?? []
            #expect(verdicts.map { $0["rule"] as? String } == ["main-to-staging", "api-changes"])
            #expect(verdicts.allSatisfy { $0["matched"] as? Bool == true })
            #expect(!answer.text.contains(TestBridge.githubSecret))
        }
    }

    @Test func aDuplicatePushNamesTheRunsThatExisted() async throws {
        let bridge = try await API.bridgeWithTwoRuns()
        defer { bridge.removeFiles() }
        try await bridge.application().test(.router) { client in
            let body = Deliveries.githubPush()
            let answer = try await WebhookRouteTests().post(client, body: body, headers: Deliveries.githubHeaders(body: body, delivery: "a-2"))
            #expect(answer.status == 200)
        }
        let detail = try await bridge.sqlite.delivery(id: 2)
        #expect(detail.summary.status == "duplicate")
        #expect(detail.duplicateOfRuns == [1, 2])
        #expect(RecordFormatter.detail(detail).contains("runs that already existed: 1, 2"))
        #expect(RecordFormatter.detail(detail).contains("x-hub-signature-256: (masked)"))
    }

    @Test func aStepLogIsJSONOrPlainText() async throws {
        let bridge = try await API.bridgeWithTwoRuns()
        defer { bridge.removeFiles() }
        try await API.admin(bridge).test(.router) { client in
            let json = try await API.send(client, "/api/v1/runs/1/steps/1/log", token: API.viewerToken)
            #expect(json.status == 200)
            #expect(json.object["status"] as? String == "pending")
            #expect(json.object["finished"] as? Bool == false)
            #expect(json.object["log"] as? String == "")
            let text = try await API.send(client, "/api/v1/runs/1/steps/1/log?format=text", token: API.viewerToken)
            #expect(text.status == 200)
            #expect(text.headers[.contentType] == "text/plain; charset=utf-8")
        }
    }

    @Test func sourcesTargetsRulesAndOverview() async throws {
        let bridge = try await API.bridgeWithTwoRuns()
        defer { bridge.removeFiles() }
        try await API.admin(bridge).test(.router) { client in
            let token = API.viewerToken
            let sources = try await API.send(client, "/api/v1/sources", token: token).array
            #expect(sources.map { $0["name"] as? String } == ["shop-gitea", "shop-github", "shop-gitlab"])
            let github = sources[1]
            #expect(github["webhookPath"] as? String == "/hooks/shop-github")
            #expect(github["webhookURL"] as? String == "https://hooks.example.com/hooks/shop-github")
            #expect(github["deliveriesLast24h"] as? Int == 1)
            #expect((github["lastDelivery"] as? [String: Any])?["status"] as? String == "queued")
            #expect(sources[0]["lastDelivery"] == nil)
            let targets = try await API.send(client, "/api/v1/targets", token: token)
            #expect(targets.array.first?["rules"] as? [String] == ["main-to-staging", "api-changes", "gitlab-main", "gitea-main"])
            #expect(!targets.text.contains("deploy ${repository}"))
            let rules = try await API.send(client, "/api/v1/rules", token: token).object
            #expect(rules["digest"] as? String == "sha256:test")
            #expect((rules["rules"] as? [[String: Any]])?.first?["targets"] as? [String] == ["smoke"])
            let overview = try await API.send(client, "/api/v1/overview", token: token).object
            #expect((overview["queue"] as? [String: Int])?["queuedRuns"] == 2)
            #expect((overview["queue"] as? [String: Int])?["pendingSteps"] == 2)
            #expect((overview["sources"] as? [Any])?.count == 3)
        }
    }

    @Test func theOpenAPIDocumentNeedsNoToken() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        try await API.admin(bridge).test(.router) { client in
            let answer = try await API.send(client, "/api/v1/openapi.json", token: nil)
            #expect(answer.status == 200)
            #expect(answer.headers[.contentType] == "application/json")
            #expect(answer.object["openapi"] as? String == "3.0.3")
        }
    }

    /// Exactly RFC 3339 date-times, as the OpenAPI document's `format: date-time` says; an empty one is malformed too.
    @Test(arguments: [
        ("2026-12-01T08:00:00Z", 200), ("2026-12-01t08:00:00.123456z", 200), ("0482-01-05T07:36:22+18:16", 200),
        ("2024-02-29T23:59:60-00:30", 200), ("2026-12-01", 400), ("2026-12-01T08:00:00", 400), ("2025-02-29T00:00:00Z", 400),
        ("2026-12-01T24:00:00Z", 400), ("2026-12-01T08:00:00.Z", 400), ("2026-12-01T08:00:00+2:00", 400), ("", 400),
        ("2026-12-01 08:00:00Z", 400),
    ])
    func sinceAndUntilAreRFC3339(time: String, status: Int) async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let encoded = time.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? time
        try await API.admin(bridge).test(.router) { client in
            let runs = try await API.send(client, "/api/v1/runs?since=\(encoded)", token: API.viewerToken)
            let deliveries = try await API.send(client, "/api/v1/deliveries?until=\(encoded)", token: API.viewerToken)
            #expect(runs.status == status)
            #expect(deliveries.status == status)
        }
    }

    @Test func anotherMethodOnAnAPIPathIs405WithAllow() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        try await API.admin(bridge).test(.router) { client in
            let put = try await API.send(client, "/api/v1/runs", method: .put, token: API.viewerToken)
            #expect(put.status == 405)
            #expect(put.headers[.allow] == "GET")
            let get = try await API.send(client, "/api/v1/runs/1/retry", method: .get, token: nil)
            #expect(get.status == 405)
            #expect(get.headers[.allow] == "POST")
        }
    }
}
