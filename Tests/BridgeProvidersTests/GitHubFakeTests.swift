import AsyncHTTPClient
import BridgeCore
import BridgeTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The GitHub fake's contract, checked with plain HTTP independently of the reporters.
@Suite struct GitHubFakeTests {
    typealias Fixture = GitHubFixture

    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var json: ConfigValue?
        var message: String? { json?["message"]?.stringValue }
    }

    static func send(
        _ fake: GitHubFake, _ method: HTTPMethod, _ path: String, credential: String? = GitHubFake.defaultToken, json: ConfigValue? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: fake.baseURL + path)
        request.method = method
        if let credential { request.headers.add(name: "Authorization", value: "Bearer \(credential)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json.jsonText))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1024 * 1024)
        return Answer(
            status: Int(response.status.code), headers: response.headers,
            json: try? JSONDecoder().decode(ConfigValue.self, from: Data(Array(buffer: body))))
    }

    static func jwt(iat: Int, exp: Int, iss: String = "\"424242\"", key: GitHubTestKey = .shared) throws -> String {
        try #require(key.jwt(claims: #"{"iat":\#(iat),"exp":\#(exp),"iss":\#(iss)}"#))
    }

    static var now: Int { Int(Date().timeIntervalSince1970) }

    // MARK: App authentication

    @Test func aValidJWTFindsTheInstallationAndGetsAToken() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let jwt = try Self.jwt(iat: Self.now - 60, exp: Self.now + 540)
            let installation = try await Self.send(fake, .GET, "/repos/Acme/Shop/installation", credential: jwt)
            #expect(installation.status == 200)
            #expect(installation.json?["id"] == 7001)
            let token = try await Self.send(fake, .POST, "/app/installations/7001/access_tokens", credential: jwt)
            #expect(token.status == 201)
            let issued = try #require(token.json?["token"]?.stringValue)
            #expect(issued.hasPrefix("ghs_"))
            #expect(token.json?["expires_at"]?.stringValue.flatMap { ISO8601DateFormatter().date(from: $0) } != nil)
            let status = try await Self.send(fake, .POST, "/repos/acme/shop/statuses/\(Fixture.sha)", credential: issued, json: ["state": "success"])
            #expect(status.status == 201)
            #expect(status.json?["context"] == "default")
            #expect(installation.headers.first(name: "x-ratelimit-limit") == "5000")
        }
    }

    @Test(
        arguments: [
            (-60, 540, "\"424242\"", GitHubFake.undecodable, true), (-60, 540, "\"999\"", "Integration not found", false),
            (-60, 541, "\"424242\"", GitHubFake.farExpiry, false), (-700, -10, "\"424242\"", GitHubFake.badExpiry, false),
            (90, 600, "\"424242\"", GitHubFake.badIssuedAt, false), (-60, 650, "\"424242\"", GitHubFake.farExpiry, false),
        ] as [(Int, Int, String, String, Bool)])
    func refusesAJWTGitHubWouldRefuse(iat: Int, exp: Int, iss: String, message: String, otherKey: Bool) async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let jwt = try Self.jwt(iat: Self.now + iat, exp: Self.now + exp, iss: iss, key: otherKey ? .other : .shared)
            let answer = try await Self.send(fake, .GET, "/repos/acme/shop/installation", credential: jwt)
            #expect(answer.status == 401)
            #expect(answer.message == message)
        }
    }

    @Test func anAppIDAsANumberIsAccepted() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let answer = try await Self.send(
                fake, .GET, "/repos/acme/shop/installation", credential: try Self.jwt(iat: Self.now - 60, exp: Self.now + 540, iss: "424242"))
            #expect(answer.status == 200)
        }
    }

    @Test(arguments: ["not.a.jwt", "a.b", GitHubFake.defaultToken])
    func refusesWhatIsNotAJWTOnAppEndpoints(credential: String) async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let answer = try await Self.send(fake, .POST, "/app/installations/7001/access_tokens", credential: credential)
            #expect(answer.status == 401)
            #expect(answer.message == GitHubFake.undecodable)
        }
    }

    @Test func anAppNotInstalledOrAnUnknownInstallationIs404() async throws {
        try await withGitHubFake(Fixture.fake(repositories: [.init("acme/shop"), .init("acme/other", installationID: nil)])) { fake in
            let jwt = try Self.jwt(iat: Self.now - 60, exp: Self.now + 540)
            #expect(try await Self.send(fake, .GET, "/repos/acme/other/installation", credential: jwt).status == 404)
            #expect(try await Self.send(fake, .GET, "/repos/acme/missing/installation", credential: jwt).status == 404)
            #expect(try await Self.send(fake, .POST, "/app/installations/1/access_tokens", credential: jwt).status == 404)
        }
    }

    @Test func anInstallationTokenIsRefusedOnceExpiredAndElsewhere() async throws {
        let clock = TestClock(Date())
        let repositories: [GitHubFake.Repository] = [.init("acme/shop", installationID: 7001), .init("globex/api", installationID: 7002)]
        try await withGitHubFake(Fixture.fake(repositories: repositories, tokenLifetime: 600, now: clock.closure)) { fake in
            let jwt = try Self.jwt(iat: Int(clock.now.timeIntervalSince1970) - 60, exp: Int(clock.now.timeIntervalSince1970) + 540)
            let token = try #require(
                try await Self.send(fake, .POST, "/app/installations/7001/access_tokens", credential: jwt).json?["token"]?.stringValue)
            let body: ConfigValue = ["state": "pending"]
            #expect(try await Self.send(fake, .POST, "/repos/globex/api/statuses/\(Fixture.sha)", credential: token, json: body).status == 404)
            #expect(try await Self.send(fake, .POST, "/repos/acme/shop/statuses/\(Fixture.sha)", credential: token, json: body).status == 201)
            clock.advance(by: 601)
            let expired = try await Self.send(fake, .POST, "/repos/acme/shop/statuses/\(Fixture.sha)", credential: token, json: body)
            #expect(expired.status == 401)
            #expect(expired.message == "Bad credentials")
            #expect(try await Self.send(fake, .POST, "/repos/acme/shop/statuses/\(Fixture.sha)", credential: nil, json: body).status == 401)
        }
    }

    @Test func recordsNoCredential() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            _ = try await Self.send(fake, .GET, "/repos/acme/shop/deployments")
            #expect(fake.requests.first?.headers["authorization"] == "[REDACTED]")
            #expect(fake.requests.first?.caller == .personalToken)
        }
    }
}
