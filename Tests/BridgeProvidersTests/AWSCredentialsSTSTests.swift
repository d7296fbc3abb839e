import BridgeCore
import BridgeProviders
import BridgeTestSupport
import Foundation
import Testing

/// Roles through STS: signed `AssumeRole` for profiles and for `source.roleARN`, unsigned web identity, and how
/// STS's errors are classified.
@Suite struct AWSCredentialsSTSTests {
    typealias Fixture = AWSCredentialsFixture

    static let baseCredentials = "[base]\naws_access_key_id = \(Fixture.baseKeyID)\naws_secret_access_key = \(Fixture.baseSecret)\n"

    @Test func assumesAProfilesRoleWithASignedAssumeRole() async throws {
        let fixture = try Fixture()
        try fixture.writeCredentials(Self.baseCredentials)
        try fixture.writeConfig(
            """
            [profile deploy]
            role_arn = \(Fixture.deployRole)
            source_profile = base
            role_session_name = bridge-deploy
            external_id = shop-ext-7
            duration_seconds = 1800
            """)
        try await withStandIn(fixture.sts(roles: [.init(arn: Fixture.deployRole, externalID: "shop-ext-7")])) { sts in
            let credentials = try await fixture.chain().credentials(for: Fixture.source(profile: "deploy", sts: sts))
            #expect(credentials == sts.issued.first)
            #expect(credentials.expiration == fixture.clock.now.addingTimeInterval(1800))
            let call = try #require(sts.calls.first)
            #expect(sts.calls.count == 1)
            #expect(call.status == 200)
            #expect(call.signed && call.accessKeyID == Fixture.baseKeyID && call.sessionToken == nil)
            #expect(call.contentType == "application/x-www-form-urlencoded; charset=utf-8")
            #expect(
                call.parameters == [
                    "Action": "AssumeRole", "Version": "2011-06-15", "RoleArn": Fixture.deployRole, "RoleSessionName": "bridge-deploy",
                    "ExternalId": "shop-ext-7", "DurationSeconds": "1800",
                ])
        }
    }

    @Test func chainsSourceProfilesThroughSTS() async throws {
        let fixture = try Fixture()
        let middle = "arn:aws:iam::123456789012:role/middle"
        try fixture.writeCredentials(Self.baseCredentials)
        try fixture.writeConfig(
            """
            [profile middle]
            role_arn = \(middle)
            source_profile = base
            [profile deploy]
            role_arn = \(Fixture.deployRole)
            source_profile = middle
            """)
        try await withStandIn(fixture.sts(roles: [.init(arn: middle), .init(arn: Fixture.deployRole)])) { sts in
            let credentials = try await fixture.chain().credentials(for: Fixture.source(profile: "deploy", sts: sts))
            let calls = sts.calls
            let issued = sts.issued
            #expect(calls.map { $0.parameters["RoleArn"] } == [middle, Fixture.deployRole])
            #expect(calls.map(\.status) == [200, 200])
            // The second hop is signed with the first hop's temporary key and its session token.
            #expect(calls.last?.accessKeyID == issued.first?.accessKeyID)
            #expect(calls.last?.sessionToken == issued.first?.sessionToken)
            #expect(credentials == issued.last)
        }
    }

    @Test func theStandInRefusesAWrongSignature() async throws {
        let fixture = try Fixture()
        try fixture.writeCredentials("[base]\naws_access_key_id = \(Fixture.baseKeyID)\naws_secret_access_key = not-the-secret\n")
        try fixture.writeConfig("[profile deploy]\nrole_arn = \(Fixture.deployRole)\nsource_profile = base\n")
        try await withStandIn(fixture.sts()) { sts in
            let error = try await fixture.chain().failure(for: Fixture.source(profile: "deploy", sts: sts))
            #expect(!error.isRetryable)
            #expect(error.description.hasPrefix("STS SignatureDoesNotMatch: The request signature we calculated does not match"))
            #expect(sts.calls.map(\.errorCode) == ["SignatureDoesNotMatch"])
            #expect(!error.reveals(["not-the-secret"]))
        }
    }

    @Test func assumesTheSourcesRoleOnTopOfEnvironmentKeys() async throws {
        var fixture = try Fixture()
        fixture.environment["AWS_ACCESS_KEY_ID"] = Fixture.baseKeyID
        fixture.environment["AWS_SECRET_ACCESS_KEY"] = Fixture.baseSecret
        try await withStandIn(fixture.sts(roles: [.init(arn: Fixture.deployRole, externalID: "ext-42")])) { sts in
            let source = Fixture.source(roleARN: Fixture.deployRole, externalID: "ext-42", sts: sts)
            let credentials = try await fixture.chain().credentials(for: source)
            #expect(credentials == sts.issued.first)
            let call = try #require(sts.calls.first)
            #expect(call.accessKeyID == Fixture.baseKeyID)
            #expect(call.parameters["RoleSessionName"] == "gitops-bridge")
            #expect(call.parameters["ExternalId"] == "ext-42")
            #expect(call.parameters["DurationSeconds"] == nil)
        }
    }

    @Test func assumesTheSourcesRoleOnTopOfAProfileRole() async throws {
        let fixture = try Fixture()
        let target = "arn:aws:iam::210987654321:role/cross-account"
        try fixture.writeCredentials(Self.baseCredentials)
        try fixture.writeConfig("[profile deploy]\nrole_arn = \(Fixture.deployRole)\nsource_profile = base\n")
        try await withStandIn(fixture.sts(roles: [.init(arn: Fixture.deployRole), .init(arn: target)])) { sts in
            let source = Fixture.source(profile: "deploy", roleARN: target, roleSessionName: "run-17", sts: sts)
            let credentials = try await fixture.chain().credentials(for: source)
            #expect(sts.calls.map { $0.parameters["RoleArn"] } == [Fixture.deployRole, target])
            #expect(sts.calls.last?.parameters["RoleSessionName"] == "run-17")
            #expect(sts.calls.last?.accessKeyID == sts.issued.first?.accessKeyID)
            #expect(credentials == sts.issued.last)
        }
    }

    @Test func accessDeniedIsPermanentWithAWSsCodeAndMessage() async throws {
        var fixture = try Fixture()
        fixture.environment["AWS_ACCESS_KEY_ID"] = Fixture.baseKeyID
        fixture.environment["AWS_SECRET_ACCESS_KEY"] = Fixture.baseSecret
        let unknown = "arn:aws:iam::123456789012:role/not-trusted"
        try await withStandIn(fixture.sts()) { sts in
            let error = try await fixture.chain().failure(for: Fixture.source(roleARN: unknown, sts: sts))
            #expect(
                error
                    == .permanent(
                        "STS AccessDenied: User: arn:aws:iam::123456789012:user/\(Fixture.baseKeyID) is not authorized to perform: "
                            + "sts:AssumeRole on resource: \(unknown)"))
        }
    }

    @Test func aWrongExternalIDIsAccessDenied() async throws {
        var fixture = try Fixture()
        fixture.environment["AWS_ACCESS_KEY_ID"] = Fixture.baseKeyID
        fixture.environment["AWS_SECRET_ACCESS_KEY"] = Fixture.baseSecret
        try await withStandIn(fixture.sts(roles: [.init(arn: Fixture.deployRole, externalID: "right")])) { sts in
            let error = try await fixture.chain().failure(for: Fixture.source(roleARN: Fixture.deployRole, externalID: "wrong", sts: sts))
            #expect(!error.isRetryable)
            #expect(error.description.hasPrefix("STS AccessDenied: "))
        }
    }

    @Test(arguments: [
        (
            STSStandIn.Fault.error(status: 500, code: "InternalFailure", message: "We encountered an internal error."),
            "STS InternalFailure: We encountered an internal error."
        ),
        (.error(status: 503, code: "ServiceUnavailable", message: "Service is unavailable."), "STS ServiceUnavailable: Service is unavailable."),
        (.error(status: 400, code: "Throttling", message: "Rate exceeded"), "STS Throttling: Rate exceeded"),
        (
            .response(status: 502, contentType: "text/html", body: "<html><body>502 Bad Gateway</body></html>"),
            "STS 502: <html><body>502 Bad Gateway</body></html>"
        ),
    ])
    func serverErrorsAndThrottlingAreRetryable(fault: STSStandIn.Fault, message: String) async throws {
        var fixture = try Fixture()
        fixture.environment["AWS_ACCESS_KEY_ID"] = Fixture.baseKeyID
        fixture.environment["AWS_SECRET_ACCESS_KEY"] = Fixture.baseSecret
        try await withStandIn(fixture.sts()) { sts in
            sts.inject(fault)
            let chain = fixture.chain()
            let error = try await chain.failure(for: Fixture.source(roleARN: Fixture.deployRole, sts: sts))
            #expect(error == .retryable(message))
            // Nothing was cached: the next call asks again and succeeds.
            #expect(try await chain.credentials(for: Fixture.source(roleARN: Fixture.deployRole, sts: sts)) == sts.issued.first)
        }
    }

    @Test func anUnreachableSTSIsRetryable() async throws {
        var fixture = try Fixture()
        fixture.environment["AWS_ACCESS_KEY_ID"] = Fixture.baseKeyID
        fixture.environment["AWS_SECRET_ACCESS_KEY"] = Fixture.baseSecret
        let closedPort = try ClosedPort()
        let closed = closedPort.url
        let source = AWSCredentialsSource(roleARN: Fixture.deployRole, region: Fixture.region, stsEndpoint: closed)
        let chain = fixture.chain(timeouts: .init(sts: .milliseconds(500)))
        let error = try await chain.failure(for: source)
        #expect(error.isRetryable)
        #expect(error.description.hasPrefix("STS AssumeRole: request to \(closed)/ failed"))
        withExtendedLifetime(closedPort) {}
    }

    @Test func anAnswerWithoutCredentialsIsPermanent() async throws {
        var fixture = try Fixture()
        fixture.environment["AWS_ACCESS_KEY_ID"] = Fixture.baseKeyID
        fixture.environment["AWS_SECRET_ACCESS_KEY"] = Fixture.baseSecret
        try await withStandIn(fixture.sts()) { sts in
            sts.inject(.response(status: 200, contentType: "text/html", body: "<html>captive portal</html>"))
            let error = try await fixture.chain().failure(for: Fixture.source(roleARN: Fixture.deployRole, sts: sts))
            #expect(error == .permanent("STS AssumeRole at \(sts.baseURL): the answer has no credentials; is this an STS endpoint?"))
        }
    }

    // MARK: Web identity

    @Test func exchangesTheEnvironmentsWebIdentityTokenUnsigned() async throws {
        var fixture = try Fixture()
        let token = "eyJhbGciOiJSUzI1NiJ9.first-token.signature"
        fixture.environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = try fixture.directory.write("token", token + "\n")
        fixture.environment["AWS_ROLE_ARN"] = Fixture.deployRole
        fixture.environment["AWS_ROLE_SESSION_NAME"] = "pod-gitops-bridge-0"
        try await withStandIn(fixture.sts(webIdentityTokens: [token])) { sts in
            let credentials = try await fixture.chain().credentials(for: Fixture.source(sts: sts))
            #expect(credentials == sts.issued.first)
            let call = try #require(sts.calls.first)
            #expect(!call.signed && call.sessionToken == nil)
            #expect(
                call.parameters == [
                    "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleArn": Fixture.deployRole,
                    "RoleSessionName": "pod-gitops-bridge-0", "WebIdentityToken": token,
                ])
        }
    }

    @Test func rereadsTheWebIdentityTokenOnRefresh() async throws {
        var fixture = try Fixture()
        let first = "eyJ.first.sig"
        let second = "eyJ.second.sig"
        let tokenFile = try fixture.directory.write("token", first)
        fixture.environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile
        fixture.environment["AWS_ROLE_ARN"] = Fixture.deployRole
        try await withStandIn(fixture.sts(webIdentityTokens: [first, second])) { sts in
            let chain = fixture.chain()
            let source = Fixture.source(sts: sts)
            _ = try await chain.credentials(for: source)
            try fixture.directory.write("token", second)  // kubelet rotated it
            fixture.clock.advance(by: 3600 - 200)  // within the 300 s margin of the one-hour credentials
            let refreshed = try await chain.credentials(for: source)
            #expect(sts.calls.map { $0.parameters["WebIdentityToken"] } == [first, second])
            #expect(sts.calls.map { $0.parameters["RoleSessionName"] } == ["gitops-bridge", "gitops-bridge"])
            #expect(refreshed == sts.issued.last)
        }
    }

    @Test func aProfilesWebIdentityTokenFileIsExchanged() async throws {
        let fixture = try Fixture()
        let token = "eyJ.profile.sig"
        try fixture.directory.write("profile-token", token)
        try fixture.writeConfig("[profile pod]\nrole_arn = \(Fixture.deployRole)\nweb_identity_token_file = ~/profile-token\n")
        try await withStandIn(fixture.sts(webIdentityTokens: [token])) { sts in
            let credentials = try await fixture.chain().credentials(for: Fixture.source(profile: "pod", sts: sts))
            #expect(credentials == sts.issued.first)
            #expect(sts.calls.first?.parameters["WebIdentityToken"] == token)
        }
    }

    @Test func environmentWebIdentityComesBeforeProfileKeysUnlessAProfileIsNamed() async throws {
        // botocore's order: AssumeRoleWithWebIdentityProvider precedes SharedCredentialProvider and ConfigProvider.
        var fixture = try Fixture()
        let token = "eyJ.order.sig"
        try fixture.writeCredentials(Self.baseCredentials + "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = default-secret\n")
        fixture.environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = try fixture.directory.write("token", token)
        fixture.environment["AWS_ROLE_ARN"] = Fixture.deployRole
        try await withStandIn(fixture.sts(webIdentityTokens: [token])) { sts in
            let chain = fixture.chain()
            let ambient = try await chain.credentials(for: Fixture.source(sts: sts))
            #expect(ambient == sts.issued.first)
            #expect(try await chain.credentials(for: Fixture.source(profile: "default", sts: sts)).accessKeyID == "AKIADEFAULT")
            #expect(sts.calls.map(\.action) == ["AssumeRoleWithWebIdentity"])
        }
    }

    @Test func aProfileRoleComesBeforeEnvironmentWebIdentity() async throws {
        var fixture = try Fixture()
        try fixture.writeCredentials(Self.baseCredentials)
        try fixture.writeConfig("[default]\nrole_arn = \(Fixture.deployRole)\nsource_profile = base\n")
        fixture.environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = try fixture.directory.write("token", "eyJ.unused.sig")
        fixture.environment["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/unused"
        try await withStandIn(fixture.sts()) { sts in
            let credentials = try await fixture.chain().credentials(for: Fixture.source(sts: sts))
            #expect(credentials == sts.issued.first)
            #expect(sts.calls.map(\.action) == ["AssumeRole"])
        }
    }

    @Test func aRefusedWebIdentityTokenIsRetryable() async throws {
        var fixture = try Fixture()
        let token = "eyJ.revoked.sig"
        fixture.environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = try fixture.directory.write("token", token)
        fixture.environment["AWS_ROLE_ARN"] = Fixture.deployRole
        try await withStandIn(fixture.sts()) { sts in
            let error = try await fixture.chain().failure(for: Fixture.source(sts: sts))
            // Often transient: STS could not fetch the provider's keys yet, or the kubelet is about to rotate the token.
            #expect(error == .retryable("STS InvalidIdentityToken: Couldn't verify the web identity token."))
            #expect(!error.reveals([token]))
        }
    }
}
