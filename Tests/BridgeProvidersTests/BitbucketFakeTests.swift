import BridgeCore
import BridgeTestSupport
import Foundation
import NIOHTTP1
import Testing

/// The Bitbucket fake follows Bitbucket Cloud's commit status API, checked with plain HTTP.
@Suite struct BitbucketFakeTests {
    static let sha = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"
    static let commitPath = "/2.0/repositories/acme/shop/commit/\(sha)"
    static let bearer = [("Authorization", "Bearer \(BitbucketFake.defaultToken)")]
    static let valid: [String: ConfigValue] = ["key": "ci", "state": "SUCCESSFUL", "url": "https://ci.example.com/builds/1"]

    static func post(
        _ fake: BitbucketFake, _ overrides: [String: ConfigValue] = [:], omitting: Set<String> = [], headers: [(String, String)] = bearer,
        path: String = commitPath + "/statuses/build"
    ) async throws -> LoopbackHTTP.Answer {
        var body = valid.merging(overrides) { $1 }
        for name in omitting { body[name] = nil }
        return try await LoopbackHTTP.send(
            .POST, fake.baseURL + path, headers: headers + [("Content-Type", "application/json")], body: ConfigValue.object(body).jsonText)
    }

    static func basic(_ user: String, _ password: String) -> [(String, String)] {
        [("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())]
    }

    // MARK: Authentication

    @Test func acceptsAnAccessTokenOrAUserAndAppPassword() async throws {
        try await withBitbucketFake { fake in
            #expect(try await Self.post(fake).status == 201)
            let basic = try await Self.post(
                fake, ["key": "other"], headers: Self.basic(BitbucketFake.defaultUsername, BitbucketFake.defaultAppPassword))
            #expect(basic.status == 201)
            #expect(fake.requests.map { $0.headers["authorization"] } == ["Bearer [REDACTED]", "Basic [REDACTED]"])
            #expect(!"\(fake.requests)".contains(BitbucketFake.defaultToken))
        }
    }

    @Test(arguments: [
        [], [("Authorization", "Bearer wrong")], [("Authorization", "token \(BitbucketFake.defaultToken)")],
        basic(BitbucketFake.defaultUsername, "wrong"), basic("someone-else", BitbucketFake.defaultAppPassword),
    ])
    func refusesMissingOrWrongCredentials(headers: [(String, String)]) async throws {
        try await withBitbucketFake { fake in
            let answer = try await Self.post(fake, headers: headers)
            #expect(answer.status == 401)
            #expect(answer.json?["type"] == "error")
            #expect(fake.history(sha: Self.sha).isEmpty)
        }
    }

    // MARK: Contract

    @Test func answersTheBuildStatus() async throws {
        try await withBitbucketFake { fake in
            let answer = try await Self.post(fake, ["name": "CI", "description": "all green", "refname": "main"])
            #expect(answer.status == 201)
            let json = try #require(answer.json)
            #expect(json["type"] == "build")
            #expect(json["key"] == "ci")
            #expect(json["state"] == "SUCCESSFUL")
            #expect(json["url"] == "https://ci.example.com/builds/1")
            #expect(json["refname"] == "main")
            #expect(json["uuid"]?.stringValue?.hasPrefix("{") == true)
            let shown = try await LoopbackHTTP.send(.GET, fake.baseURL + Self.commitPath + "/statuses/build/ci", headers: Self.bearer)
            #expect(shown.json == answer.json)
        }
    }

    @Test(arguments: BitbucketFake.states.sorted())
    func acceptsEveryDocumentedState(state: String) async throws {
        try await withBitbucketFake { fake in
            let answer = try await Self.post(fake, ["state": .string(state)])
            #expect(answer.status == 201)
        }
    }

    @Test(arguments: [
        ("state", "inprogress", "Select a valid choice. inprogress is not one of the available choices."),
        ("state", "PENDING", "Select a valid choice. PENDING is not one of the available choices."),
        ("state", "", "This field is required."), ("key", "", "This field is required."),
        ("key", String(repeating: "k", count: 41), "Ensure this value has at most 40 characters (it has 41)."),
        ("url", "", "This field is required."), ("url", "not a url", "Enter a valid URL."), ("url", "ftp://ci.example.com/1", "Enter a valid URL."),
        ("url", "http://jenkins:8080/job/1", "Enter a valid URL."), ("url", "https://ci.example.123/", "Enter a valid URL."),
    ])
    func refusesAFieldInBitbucketsShape(refusal: (String, String, String)) async throws {
        let (field, value, message) = refusal
        try await withBitbucketFake { fake in
            let answer = try await Self.post(fake, [field: .string(value)])
            #expect(answer.status == 400)
            #expect(answer.json?["type"] == "error")
            #expect(answer.json?["error"]?["message"] == .string("\(field): \(message)"))
            #expect(answer.json?["error"]?["fields"] == [field: [.string(message)]])
            #expect(fake.history(sha: Self.sha).isEmpty)
        }
    }

    @Test(arguments: ["key", "state", "url"])
    func requiresEachOfKeyStateAndURL(field: String) async throws {
        try await withBitbucketFake { fake in
            let answer = try await Self.post(fake, omitting: [field])
            #expect(answer.status == 400)
            #expect(answer.json?["error"]?["message"] == .string("\(field): This field is required."))
        }
    }

    @Test(arguments: [
        "http://localhost:8080/runs/1", "https://ci.example.com/builds/1", "http://127.0.0.1:9/x", "http://[::1]:8080/",
        "https://bitbucket.org/a/b/commits/c",
    ])
    func acceptsURLsWithAProperHost(url: String) async throws {
        try await withBitbucketFake { fake in
            let answer = try await Self.post(fake, ["url": .string(url)])
            #expect(answer.status == 201)
        }
    }

    @Test func aSecondPostWithTheSameKeyUpdatesThatStatus() async throws {
        try await withBitbucketFake { fake in
            let first = try await Self.post(fake, ["state": "INPROGRESS"])
            let second = try await Self.post(fake, ["state": "FAILED", "description": "exit 2"])
            #expect(second.status == 201)
            #expect(second.json?["uuid"] == first.json?["uuid"])
            #expect(fake.statuses(sha: Self.sha).map(\.state) == ["FAILED"])
            #expect(fake.history(sha: Self.sha).map(\.state) == ["INPROGRESS", "FAILED"])
            #expect(fake.status(sha: Self.sha, key: "ci")?.description == "exit 2")
        }
    }

    @Test func listsACommitsStatusesInPages() async throws {
        try await withBitbucketFake { fake in
            for index in 1...12 { _ = try await Self.post(fake, ["key": .string("ci-\(index)")]) }
            let first = try await LoopbackHTTP.send(.GET, fake.baseURL + Self.commitPath + "/statuses", headers: Self.bearer)
            #expect(first.json?["size"] == 12)
            #expect(first.json?["pagelen"] == 10)
            #expect(Self.keys(first) == (1...10).map { "ci-\($0)" })
            let next = try #require(first.json?["next"]?.stringValue)
            #expect(next == fake.baseURL + Self.commitPath + "/statuses?page=2&pagelen=10")
            let second = try await LoopbackHTTP.send(.GET, next, headers: Self.bearer)
            #expect(Self.keys(second) == ["ci-11", "ci-12"])
            #expect(second.json?["next"] == nil)
            let wide = try await LoopbackHTTP.send(.GET, fake.baseURL + Self.commitPath + "/statuses?pagelen=100", headers: Self.bearer)
            #expect(Self.keys(wide).count == 12)
        }
    }

    @Test func answersUnknownRepositoriesAndRoutesWithNotFound() async throws {
        try await withBitbucketFake { fake in
            let unknown = try await Self.post(fake, path: "/2.0/repositories/acme/missing/commit/\(Self.sha)/statuses/build")
            #expect(unknown.status == 404)
            #expect(unknown.json?["error"]?["message"] == "Repository acme/missing not found")
            #expect(try await Self.post(fake, path: "/1.0/repositories/acme/shop/commit/\(Self.sha)/statuses/build").status == 404)
            let noStatus = try await LoopbackHTTP.send(.GET, fake.baseURL + Self.commitPath + "/statuses/build/none", headers: Self.bearer)
            #expect(noStatus.status == 404)
            #expect(fake.history(sha: Self.sha).isEmpty)
        }
    }

    // MARK: Faults

    @Test func servesInjectedFaultsInOrderThenAnswersNormally() async throws {
        try await withBitbucketFake { fake in
            fake.inject(.serverError)
            fake.inject(.tooManyRequests(retryAfter: "12"), times: 2)
            let failed = try await Self.post(fake)
            #expect(failed.status == 500)
            #expect(failed.json?["error"]?["message"] == "Something went wrong")
            for _ in 0..<2 {
                let throttled = try await Self.post(fake)
                #expect(throttled.status == 429)
                #expect(throttled.headers.first(name: "Retry-After") == "12")
            }
            #expect(try await Self.post(fake).status == 201)
            #expect(fake.requests.map(\.responseStatus) == [500, 429, 429, 201])
            #expect(fake.history(sha: Self.sha).count == 1)
        }
    }

    static func keys(_ answer: LoopbackHTTP.Answer) -> [String] {
        guard case .array(let values)? = answer.json?["values"] else { return [] }
        return values.compactMap { $0["key"]?.stringValue }
    }
}
