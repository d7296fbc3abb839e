import BridgeCore
import BridgeServer
import BridgeStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The admin listener's JSON API through its router: tokens, roles, queries and actions.
@Suite struct AdminAPITests {
    static let viewerToken = "viewer-token-5f1c9a"
    static let operatorToken = "operator-token-8be24d"
    static let environment = ["VIEW_TOKEN": viewerToken, "OPERATE_TOKEN": operatorToken]
    static let tokens = [
        AdminTokenSetting(name: "dash", role: .viewer, reference: .environment("VIEW_TOKEN")),
        AdminTokenSetting(name: "oncall", role: .operator, reference: .environment("OPERATE_TOKEN")),
    ]

    struct Answer {
        let status: Int
        let headers: HTTPFields
        let text: String
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
        /// A list page's items.
        var items: [[String: Any]] { object["items"] as? [[String: Any]] ?? [] }
    }

    /// A bridge with one signed push recorded (two runs queued), and its admin application.
    static func bridgeWithTwoRuns() async throws -> TestBridge {
        let bridge = try TestBridge()
        try await bridge.application().test(.router) { client in
            let body = Deliveries.githubPush()
            let answer = try await WebhookRouteTests().post(client, body: body, headers: Deliveries.githubHeaders(body: body, delivery: "a-1"))
            #expect(answer.status == 202)
        }
        return bridge
    }

    static func admin(_ bridge: TestBridge, tokens: [AdminTokenSetting] = tokens) throws -> some ApplicationProtocol {
        let access = try AdminAccess(tokens, resolver: ProcessSecretResolver(environment: environment))
        return Application(
            router: AdminRouter(
                store: bridge.sqlite, access: access,
                data: AdminData(store: bridge.sqlite, rules: bridge.rules, rulesDigest: "sha256:test", publicURL: "https://hooks.example.com/")
            ).build(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    static func send(_ client: some TestClientProtocol, _ uri: String, method: HTTPRequest.Method = .get, token: String?) async throws -> Answer {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: uri, method: method, headers: headers) { response in
            Answer(status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
        }
    }

    @Test(arguments: [nil, "wrong-token", ""])
    func aMissingOrWrongTokenIs401WithoutDetail(token: String?) async throws {
        let bridge = try await Self.bridgeWithTwoRuns()
        defer { bridge.removeFiles() }
        try await Self.admin(bridge).test(.router) { client in
            for uri in ["/api/v1/deliveries", "/api/v1/runs", "/api/v1/runs/1", "/api/v1/runs/99", "/api/v1/runs/x"] {
                let answer = try await Self.send(client, uri, token: token)
                #expect(answer.status == 401, "\(uri)")
                #expect(answer.headers[.wwwAuthenticate] == "Bearer")
                #expect(answer.object as? [String: String] == ["error": "unauthorized"])
            }
            #expect(try await Self.send(client, "/api/v1/runs/1/retry", method: .post, token: token).status == 401)
            #expect(try await Self.send(client, "/healthz", token: token).status == 200)
        }
    }

    @Test func withNoTokenConfiguredOnlyHealthzAnswers() async throws {
        let bridge = try await Self.bridgeWithTwoRuns()
        defer { bridge.removeFiles() }
        try await Self.admin(bridge, tokens: []).test(.router) { client in
            let empty = try await Self.send(client, "/api/v1/runs", token: "")
            let known = try await Self.send(client, "/api/v1/runs", token: Self.operatorToken)
            let health = try await Self.send(client, "/healthz", token: nil)
            #expect(empty.status == 401)
            #expect(known.status == 401)
            #expect(health.status == 200)
        }
    }

    @Test func aViewerReadsWhatTheCommandLinePrintsAsJSON() async throws {
        let bridge = try await Self.bridgeWithTwoRuns()
        defer { bridge.removeFiles() }
        let runs = try await bridge.sqlite.runs(limit: 50, status: nil)
        let deliveries = try await bridge.sqlite.deliveries(limit: 50, source: nil)
        let run = try await bridge.sqlite.run(id: runs[0].id)
        let delivery = try await bridge.sqlite.delivery(id: deliveries[0].id)
        try await Self.admin(bridge).test(.router) { client in
            let token = Self.viewerToken
            #expect(try await Self.send(client, "/api/v1/runs", token: token).text == RecordFormatter.json(Page(items: runs, nextCursor: nil)) + "\n")
            #expect(
                try await Self.send(client, "/api/v1/deliveries", token: token).text
                    == RecordFormatter.json(Page(items: deliveries, nextCursor: nil)) + "\n")
            #expect(try await Self.send(client, "/api/v1/runs/\(run.summary.id)", token: token).text == RecordFormatter.json(run) + "\n")
            let one = try await Self.send(client, "/api/v1/deliveries/\(delivery.summary.id)", token: token)
            #expect(one.status == 200)
            #expect(one.headers[.contentType] == "application/json")
            #expect(one.text == RecordFormatter.json(delivery) + "\n")
            #expect(try await Self.send(client, "/api/v1/runs?limit=1", token: token).items.count == 1)
            #expect(try await Self.send(client, "/api/v1/runs?status=queued", token: token).items.count == 2)
            #expect(try await Self.send(client, "/api/v1/runs?status=failed", token: token).items.isEmpty)
            #expect(try await Self.send(client, "/api/v1/deliveries?source=shop-github", token: token).items.count == 1)
            #expect(try await Self.send(client, "/api/v1/deliveries?source=shop-gitlab", token: token).items.isEmpty)
            let steps = try await Self.send(client, "/api/v1/runs/\(run.summary.id)", token: token).object["steps"] as? [[String: Any]]
            #expect(steps?.first?["target"] as? String == "smoke")
        }
    }

    @Test(arguments: [
        ("/api/v1/runs/99", 404, "run 99 not found"), ("/api/v1/deliveries/99", 404, "delivery 99 not found"),
        ("/api/v1/runs/abc", 400, "id must be a positive integer"), ("/api/v1/deliveries/-1", 400, "id must be a positive integer"),
        ("/api/v1/runs?limit=0", 400, "limit must be an integer from 1 to 1000"),
        ("/api/v1/deliveries?limit=many", 400, "limit must be an integer from 1 to 1000"),
        ("/api/v1/runs?status=done", 400, "status must be one of canceled, failed, queued, running, succeeded, superseded"),
        ("/api/v1/deliveries?status=done", 400, "status must be one of duplicate, ignored, ping, queued"),
        ("/api/v1/runs?cursor=abc", 400, "cursor must be a nextCursor of an earlier page"),
        ("/api/v1/deliveries?cursor=-3", 400, "cursor must be a nextCursor of an earlier page"),
        ("/api/v1/runs?since=yesterday", 400, "since must be an RFC 3339 time such as 2026-12-01T08:00:00Z"),
        ("/api/v1/deliveries?until=2026-13-01", 400, "until must be an RFC 3339 time such as 2026-12-01T08:00:00Z"),
        ("/api/v1/runs/1/steps/0/log", 400, "position must be a positive integer"),
        ("/api/v1/runs/1/steps/9/log", 404, "step 9 of run 1 not found"),
        ("/api/v1/runs/1/steps/1/log?format=html", 400, "format must be json or text"),
    ])
    func unknownIdsAndBadParametersAnswerJSONErrors(uri: String, status: Int, message: String) async throws {
        let bridge = try await Self.bridgeWithTwoRuns()
        defer { bridge.removeFiles() }
        try await Self.admin(bridge).test(.router) { client in
            let answer = try await Self.send(client, uri, token: Self.viewerToken)
            #expect(answer.status == status)
            #expect(answer.object as? [String: String] == ["error": message])
        }
    }

    @Test func aViewerMayNotRetryOrCancel() async throws {
        let bridge = try await Self.bridgeWithTwoRuns()
        defer { bridge.removeFiles() }
        let id = try await bridge.sqlite.runs(limit: 1, status: nil)[0].id
        try await Self.admin(bridge).test(.router) { client in
            for action in ["retry", "cancel"] {
                let answer = try await Self.send(client, "/api/v1/runs/\(id)/\(action)", method: .post, token: Self.viewerToken)
                #expect(answer.status == 403)
                #expect(answer.object as? [String: String] == ["error": "forbidden"])
            }
            // An action is a POST: a GET (a link followed, a prefetch) changes nothing.
            let get = try await Self.send(client, "/api/v1/runs/\(id)/cancel", method: .get, token: Self.operatorToken)
            #expect((400..<500).contains(get.status))
        }
        #expect(try await bridge.sqlite.run(id: id).summary.status == "queued")
    }

    @Test func anOperatorCancelsAndRetriesAndAConflictIs409() async throws {
        let bridge = try await Self.bridgeWithTwoRuns()
        defer { bridge.removeFiles() }
        let id = try await bridge.sqlite.runs(limit: 1, status: nil)[0].id
        try await Self.admin(bridge).test(.router) { client in
            let token = Self.operatorToken
            let canceled = try await Self.send(client, "/api/v1/runs/\(id)/cancel", method: .post, token: token)
            #expect(canceled.status == 200)
            #expect(canceled.object["status"] as? String == "canceled")
            #expect(canceled.object["id"] as? Int == Int(id))
            let again = try await Self.send(client, "/api/v1/runs/\(id)/cancel", method: .post, token: token)
            #expect(again.status == 409)
            #expect((again.object["error"] as? String)?.contains("\(id)") == true, "\(again.text)")
            let retried = try await Self.send(client, "/api/v1/runs/\(id)/retry", method: .post, token: token)
            #expect(retried.status == 200)
            #expect(retried.object["status"] as? String == "queued")
            #expect(try await Self.send(client, "/api/v1/runs/\(id)/retry", method: .post, token: token).status == 409)
            #expect(try await Self.send(client, "/api/v1/runs/99/retry", method: .post, token: token).status == 404)
            // An operator reads too.
            #expect(try await Self.send(client, "/api/v1/runs", token: token).status == 200)
        }
    }

    @Test func noAnswerCarriesASecret() async throws {
        let bridge = try await Self.bridgeWithTwoRuns()
        defer { bridge.removeFiles() }
        let id = try await bridge.sqlite.runs(limit: 1, status: nil)[0].id
        let texts = try await Self.admin(bridge).test(.router) { client in
            var texts: [String] = []
            for token in [nil, "bad", Self.viewerToken, Self.operatorToken] {
                for uri in ["/healthz", "/api/v1/deliveries", "/api/v1/deliveries/1", "/api/v1/runs", "/api/v1/runs/\(id)", "/api/v1/runs/99"] {
                    let answer = try await Self.send(client, uri, token: token)
                    texts.append(answer.text + answer.headers.map { "\($0.name): \($0.value)" }.joined())
                }
                for action in ["cancel", "retry"] {
                    texts.append(try await Self.send(client, "/api/v1/runs/\(id)/\(action)", method: .post, token: token).text)
                }
            }
            return texts
        }
        let secrets = [Self.viewerToken, Self.operatorToken] + TestBridge.environment.values
        for secret in secrets {
            #expect(!texts.contains { $0.contains(secret) })
        }
    }
}
