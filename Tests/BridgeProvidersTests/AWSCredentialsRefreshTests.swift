import BridgeCore
import BridgeProviders
import BridgeTestSupport
import Foundation
import Testing

/// Caching per source, refresh inside the margin, one refresh for many callers, and secrets kept out of errors.
@Suite struct AWSCredentialsRefreshTests {
    typealias Fixture = AWSCredentialsFixture

    static func fixtureWithEnvironmentKeys() throws -> Fixture {
        var fixture = try Fixture()
        fixture.environment["AWS_ACCESS_KEY_ID"] = Fixture.baseKeyID
        fixture.environment["AWS_SECRET_ACCESS_KEY"] = Fixture.baseSecret
        return fixture
    }

    @Test func cachesUntilTheMarginThenRefreshes() async throws {
        let fixture = try Self.fixtureWithEnvironmentKeys()
        try await withStandIn(fixture.sts()) { sts in
            let chain = fixture.chain(refreshMargin: .seconds(300))
            let source = Fixture.source(roleARN: Fixture.deployRole, sts: sts)
            let first = try await chain.credentials(for: source)
            fixture.clock.advance(by: 3600 - 301)  // 301 s left: still fresh
            #expect(try await chain.credentials(for: source) == first)
            #expect(sts.calls.count == 1)
            fixture.clock.advance(by: 1)  // 300 s left: refreshed
            let second = try await chain.credentials(for: source)
            #expect(sts.calls.count == 2)
            #expect(second == sts.issued.last && second != first)
            #expect(try await chain.credentials(for: source) == second)
            #expect(sts.calls.count == 2)
        }
    }

    @Test func cachesPerSource() async throws {
        let fixture = try Self.fixtureWithEnvironmentKeys()
        let other = "arn:aws:iam::123456789012:role/other"
        try await withStandIn(fixture.sts(roles: [.init(arn: Fixture.deployRole), .init(arn: other)])) { sts in
            let chain = fixture.chain()
            let deploy = try await chain.credentials(for: Fixture.source(roleARN: Fixture.deployRole, sts: sts))
            let otherCredentials = try await chain.credentials(for: Fixture.source(roleARN: other, sts: sts))
            let renamed = try await chain.credentials(for: Fixture.source(roleARN: Fixture.deployRole, roleSessionName: "x-run", sts: sts))
            #expect(Set([deploy, otherCredentials, renamed]).count == 3)
            #expect(try await chain.credentials(for: Fixture.source(roleARN: other, sts: sts)) == otherCredentials)
            #expect(sts.calls.count == 3)
        }
    }

    @Test func concurrentCallersShareOneSTSCall() async throws {
        let fixture = try Self.fixtureWithEnvironmentKeys()
        try await withStandIn(fixture.sts()) { sts in
            let chain = fixture.chain()
            let source = Fixture.source(roleARN: Fixture.deployRole, sts: sts)
            for round in 1...2 {
                // Slow STS, so that every caller arrives while the first call is in flight.
                sts.inject(.delay(.milliseconds(300)))
                let results = try await withThrowingTaskGroup(of: AWSCredentials.self) { group in
                    for _ in 0..<25 { group.addTask { try await chain.credentials(for: source) } }
                    return try await group.reduce(into: [AWSCredentials]()) { $0.append($1) }
                }
                #expect(results.count == 25)
                #expect(Set(results) == [sts.issued.last])
                #expect(sts.calls.count == round)
                fixture.clock.advance(by: 3600)  // all expired: the next round refreshes, once
            }
        }
    }

    @Test func aFailedRefreshKeepsCredentialsWhileHalfTheMarginRemains() async throws {
        let fixture = try Self.fixtureWithEnvironmentKeys()
        try await withStandIn(fixture.sts()) { sts in
            let chain = fixture.chain(refreshMargin: .seconds(300))
            let source = Fixture.source(roleARN: Fixture.deployRole, sts: sts)
            let first = try await chain.credentials(for: source)
            sts.inject(.error(status: 503, code: "ServiceUnavailable", message: "Service is unavailable."), times: 2)
            fixture.clock.advance(by: 3600 - 200)  // 200 s left: due, but still usable
            #expect(try await chain.credentials(for: source) == first)
            fixture.clock.advance(by: 100)  // 100 s left: no longer handed out
            let error = try await chain.failure(for: source)
            #expect(error == .retryable("STS ServiceUnavailable: Service is unavailable."))
            #expect(try await chain.credentials(for: source) == sts.issued.last)
            #expect(sts.calls.count == 4)
        }
    }

    @Test func theBaseIsRefreshedOnItsOwnSchedule() async throws {
        var fixture = try Fixture()
        let token = "eyJ.base.sig"
        fixture.environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = try fixture.directory.write("token", token)
        fixture.environment["AWS_ROLE_ARN"] = Fixture.deployRole
        let target = "arn:aws:iam::210987654321:role/target"
        try await withStandIn(fixture.sts(roles: [.init(arn: Fixture.deployRole), .init(arn: target)], webIdentityTokens: [token])) { sts in
            let chain = fixture.chain()
            let source = Fixture.source(roleARN: target, sts: sts)
            _ = try await chain.credentials(for: source)
            #expect(sts.calls.map(\.action) == ["AssumeRoleWithWebIdentity", "AssumeRole"])
            fixture.clock.advance(by: 3600)
            _ = try await chain.credentials(for: source)
            #expect(sts.calls.map(\.action) == ["AssumeRoleWithWebIdentity", "AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRole"])
            #expect(sts.calls.last?.accessKeyID == sts.issued[2].accessKeyID)
        }
    }

    // MARK: Secrets

    @Test func noErrorRevealsASecret() async throws {
        var fixture = try Fixture()
        let sessionToken = "env-session-token-FQoGZXIvYXdzE"
        let webToken = "eyJ.web-identity.sig"
        fixture.environment["AWS_ACCESS_KEY_ID"] = Fixture.baseKeyID
        fixture.environment["AWS_SECRET_ACCESS_KEY"] = Fixture.baseSecret
        fixture.environment["AWS_SESSION_TOKEN"] = sessionToken
        let secrets = [Fixture.baseSecret, sessionToken, webToken]
        var errors: [ProviderError] = []
        try await withStandIn(fixture.sts()) { sts in
            let source = Fixture.source(roleARN: Fixture.deployRole, sts: sts)
            // An STS that echoes what it was sent, in an error and in a page that is not STS's.
            sts.inject(.error(status: 403, code: "AccessDenied", message: "bad key \(Fixture.baseSecret) with token \(sessionToken)"))
            errors.append(try await fixture.chain().failure(for: source))
            sts.inject(.response(status: 500, contentType: "text/plain", body: "upstream said: \(sessionToken)"))
            errors.append(try await fixture.chain().failure(for: source))
            // The stand-in knows the base key without a session token: InvalidClientTokenId.
            errors.append(try await fixture.chain().failure(for: source))
            var web = fixture
            web.environment = ["HOME": fixture.directory.path, "AWS_EC2_METADATA_DISABLED": "true", "AWS_ROLE_ARN": Fixture.deployRole]
            web.environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = try fixture.directory.write("web-token", webToken)
            sts.inject(.error(status: 400, code: "InvalidIdentityToken", message: "token \(webToken) expired"))
            errors.append(try await web.chain().failure(for: Fixture.source(sts: sts)))
        }
        var badHeader = try Fixture()
        badHeader.environment["AWS_ACCESS_KEY_ID"] = Fixture.baseKeyID
        badHeader.environment["AWS_SECRET_ACCESS_KEY"] = Fixture.baseSecret
        badHeader.environment["AWS_SESSION_TOKEN"] = "token-with\u{7}bell"
        let unused = AWSCredentialsSource(roleARN: Fixture.deployRole, region: Fixture.region, stsEndpoint: "http://127.0.0.1:9")
        errors.append(try await badHeader.chain().failure(for: unused))
        #expect(errors.count == 5)
        for error in errors {
            #expect(!error.reveals(secrets + ["token-with\u{7}bell"]), "\(error)")
        }
        #expect(errors[0] == .permanent("STS AccessDenied: bad key [REDACTED] with token [REDACTED]"))
        #expect(errors[3] == .retryable("STS InvalidIdentityToken: token [REDACTED] expired"))
        #expect(errors[4] == .permanent("STS AssumeRole: the X-Amz-Security-Token header has characters HTTP cannot carry"))
    }

    @Test func aSecretAtTheCutOfALongAnswerIsStillRedacted() async throws {
        var fixture = try Self.fixtureWithEnvironmentKeys()
        let sessionToken = "env-session-token-at-the-cut-0123456789"
        fixture.environment["AWS_SESSION_TOKEN"] = sessionToken
        try await withStandIn(fixture.sts()) { sts in
            let padding = String(repeating: "x", count: 480)
            sts.inject(.response(status: 502, contentType: "text/plain", body: padding + sessionToken))
            let error = try await fixture.chain().failure(for: Fixture.source(roleARN: Fixture.deployRole, sts: sts))
            #expect(error.isRetryable)
            #expect(!error.description.contains(sessionToken.prefix(10)))
            #expect(error.description.hasSuffix("[REDACTED]"))
        }
    }

    @Test func credentialsDescriptionsHideSecrets() async throws {
        let fixture = try Self.fixtureWithEnvironmentKeys()
        try await withStandIn(fixture.sts()) { sts in
            let credentials = try await fixture.chain().credentials(for: Fixture.source(roleARN: Fixture.deployRole, sts: sts))
            let text = "\(credentials)"
            #expect(!text.contains(credentials.secretAccessKey))
            #expect(!text.contains(credentials.sessionToken ?? "absent"))
        }
    }
}
