import BridgeCore
import BridgeTestSupport
import Foundation
import NIOHTTP1
import Testing

/// The Gitea fake follows Gitea's commit status API, checked with plain HTTP.
@Suite struct GiteaFakeTests {
    static let sha = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"
    static let statusesPath = "/api/v1/repos/acme/shop/statuses/\(sha)"
    static let auth = [("Authorization", "token \(GiteaFake.defaultToken)")]

    static func post(
        _ fake: GiteaFake, state: String = "success", context: String = "ci", path: String = statusesPath,
        headers: [(String, String)] = auth
    ) async throws -> LoopbackHTTP.Answer {
        let body: ConfigValue = ["state": .string(state), "context": .string(context), "target_url": "https://ci.example.com/1", "description": "ok"]
        return try await LoopbackHTTP.send(.POST, fake.baseURL + path, headers: headers + [("Content-Type", "application/json")], body: body.jsonText)
    }

    static func get(_ fake: GiteaFake, _ path: String) async throws -> LoopbackHTTP.Answer {
        try await LoopbackHTTP.send(.GET, fake.baseURL + path, headers: auth)
    }

    // MARK: Authentication

    @Test(arguments: [
        "token \(GiteaFake.defaultToken)", "Bearer \(GiteaFake.defaultToken)",
        "Basic " + Data("anyone:\(GiteaFake.defaultToken)".utf8).base64EncodedString(),
    ])
    func acceptsTheTokenInEachForm(authorization: String) async throws {
        try await withGiteaFake { fake in
            let answer = try await Self.post(fake, headers: [("Authorization", authorization)])
            #expect(answer.status == 201)
            #expect(fake.statuses.count == 1)
        }
    }

    @Test(arguments: [nil, "token wrong", "Bearer wrong", "Basic " + Data("user:wrong".utf8).base64EncodedString(), GiteaFake.defaultToken])
    func refusesAMissingOrWrongToken(authorization: String?) async throws {
        try await withGiteaFake { fake in
            let answer = try await Self.post(fake, headers: authorization.map { [("Authorization", $0)] } ?? [])
            #expect(answer.status == 401)
            #expect(answer.json?["message"] == "token is required")
            #expect(fake.statuses.isEmpty)
        }
    }

    @Test func recordsRequestsWithoutTheToken() async throws {
        try await withGiteaFake { fake in
            _ = try await Self.post(fake)
            let request = try #require(fake.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == Self.statusesPath)
            #expect(request.headers["authorization"] == "token [REDACTED]")
            #expect(request.body?["state"] == "success")
            #expect(request.responseStatus == 201)
            #expect(!"\(fake.requests)".contains(GiteaFake.defaultToken))
        }
    }

    // MARK: Contract

    @Test(arguments: GiteaFake.states.sorted())
    func acceptsEveryDocumentedState(state: String) async throws {
        try await withGiteaFake { fake in
            let answer = try await Self.post(fake, state: state)
            #expect(answer.status == 201)
            // The answer names the state `status`, the request `state`.
            #expect(answer.json?["status"] == .string(state))
            #expect(answer.json?["context"] == "ci")
            #expect(answer.json?["target_url"] == "https://ci.example.com/1")
        }
    }

    @Test(arguments: ["queued", "SUCCESS", "running", "", "skipped"])
    func refusesAnyOtherState(state: String) async throws {
        try await withGiteaFake { fake in
            let answer = try await Self.post(fake, state: state)
            #expect(answer.status == 422)
            #expect(answer.json?["message"]?.stringValue?.hasPrefix("invalid state") == true)
            #expect(fake.statuses.isEmpty)
        }
    }

    @Test func answersUnknownRepositoriesAndRoutesWithNotFound() async throws {
        try await withGiteaFake { fake in
            let unknown = try await Self.post(fake, path: "/api/v1/repos/acme/missing/statuses/\(Self.sha)")
            #expect(unknown.status == 404)
            #expect(unknown.json?["message"] == "The target couldn't be found.")
            #expect(try await Self.post(fake, path: "/api/v4/repos/acme/shop/statuses/\(Self.sha)").status == 404)
            #expect(try await LoopbackHTTP.send(.DELETE, fake.baseURL + Self.statusesPath, headers: Self.auth).status == 404)
            #expect(fake.statuses.isEmpty)
        }
    }

    @Test func servesAnInstallUnderItsPathPrefix() async throws {
        try await withGiteaFake(GiteaFake(pathPrefix: "git/")) { fake in
            #expect(fake.baseURL.hasSuffix("/git"))
            #expect(try await Self.post(fake).status == 201)
            let atRoot = try await LoopbackHTTP.send(.POST, "http://127.0.0.1:\(try #require(fake.port))\(Self.statusesPath)", headers: Self.auth)
            #expect(atRoot.status == 404)
        }
    }

    @Test func listsACommitsStatusesNewestFirstInPages() async throws {
        try await withGiteaFake { fake in
            for index in 1...4 { _ = try await Self.post(fake, context: "ci-\(index)") }
            let all = try await Self.get(fake, Self.statusesPath)
            #expect(all.status == 200)
            #expect(all.headers.first(name: "X-Total-Count") == "4")
            #expect(Self.contexts(all) == ["ci-4", "ci-3", "ci-2", "ci-1"])
            #expect(Self.contexts(try await Self.get(fake, Self.statusesPath + "?sort=oldest&limit=3")) == ["ci-1", "ci-2", "ci-3"])
            #expect(Self.contexts(try await Self.get(fake, Self.statusesPath + "?limit=3&page=2")) == ["ci-1"])
            let byRef = try await Self.get(fake, "/api/v1/repos/acme/shop/commits/\(Self.sha)/statuses")
            #expect(Self.contexts(byRef) == ["ci-4", "ci-3", "ci-2", "ci-1"])
        }
    }

    @Test(arguments: [
        (["pending", "success"], "pending"), (["success", "warning"], "success"), (["success", "failure"], "failure"),
        (["error"], "failure"), (["pending"], "pending"),
    ])
    func combinesTheLatestStatusOfEachContext(states: [String], combined: String) async throws {
        try await withGiteaFake { fake in
            for (index, state) in states.enumerated() { _ = try await Self.post(fake, state: state, context: "ci-\(index)") }
            let answer = try await Self.get(fake, "/api/v1/repos/acme/shop/commits/\(Self.sha)/status")
            #expect(answer.json?["state"] == .string(combined))
            #expect(answer.json?["total_count"] == .int(states.count))
            #expect(fake.combined(sha: Self.sha).state == combined)
        }
    }

    @Test func aLaterStatusOfAContextReplacesTheEarlierInTheCombinedStatusOnly() async throws {
        try await withGiteaFake { fake in
            _ = try await Self.post(fake, state: "failure")
            _ = try await Self.post(fake, state: "success")
            let answer = try await Self.get(fake, "/api/v1/repos/acme/shop/commits/\(Self.sha)/status")
            #expect(answer.json?["state"] == "success")
            #expect(answer.json?["total_count"] == 1)
            #expect(fake.history(sha: Self.sha).map(\.state) == ["failure", "success"])
        }
    }

    @Test func aCommitWithoutStatusesHasAnEmptyCombinedStatus() async throws {
        try await withGiteaFake { fake in
            let answer = try await Self.get(fake, "/api/v1/repos/acme/shop/commits/\(Self.sha)/status")
            #expect(answer.status == 200)
            #expect(answer.json?["state"] == "")
            #expect(answer.json?["total_count"] == 0)
        }
    }

    // MARK: Faults

    @Test func servesInjectedFaultsInOrderThenAnswersNormally() async throws {
        try await withGiteaFake { fake in
            fake.inject(.tooManyRequests(retryAfter: "3"))
            fake.inject(.serverError, times: 2)
            let throttled = try await Self.post(fake)
            #expect(throttled.status == 429)
            #expect(throttled.headers.first(name: "Retry-After") == "3")
            for _ in 0..<2 {
                let failed = try await Self.post(fake)
                #expect(failed.status == 500)
                #expect(failed.json?["message"] == "")
            }
            #expect(try await Self.post(fake).status == 201)
            #expect(fake.requests.map(\.responseStatus) == [429, 500, 500, 201])
            #expect(fake.statuses.count == 1)
        }
    }

    static func contexts(_ answer: LoopbackHTTP.Answer) -> [String] {
        guard case .array(let items)? = answer.json else { return [] }
        return items.compactMap { $0["context"]?.stringValue }
    }
}
