import BridgeCore
import BridgeProviders
import BridgeTestSupport
import Foundation
import Testing

/// The chain's order over the environment and the shared files, and what it says when it finds nothing.
@Suite struct AWSCredentialsChainTests {
    typealias Fixture = AWSCredentialsFixture

    static let fileCredentials = """
        [default]
        aws_access_key_id = AKIAFILEDEFAULT
        aws_secret_access_key = file-default-secret

        [deploy]
        aws_access_key_id = AKIAFILEDEPLOY
        aws_secret_access_key = file-deploy-secret
        aws_session_token = file-deploy-token
        """

    @Test func environmentKeysWin() async throws {
        var fixture = try Fixture()
        try fixture.writeCredentials(Self.fileCredentials)
        fixture.environment["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT"
        fixture.environment["AWS_SECRET_ACCESS_KEY"] = "environment-secret"
        fixture.environment["AWS_SESSION_TOKEN"] = "environment-token"
        fixture.environment["AWS_PROFILE"] = "deploy"
        let credentials = try await fixture.chain().credentials(for: Fixture.source())
        #expect(
            credentials == AWSCredentials(accessKeyID: "AKIAENVIRONMENT", secretAccessKey: "environment-secret", sessionToken: "environment-token"))
    }

    @Test func anExplicitProfileSkipsEnvironmentKeys() async throws {
        var fixture = try Fixture()
        try fixture.writeCredentials(Self.fileCredentials)
        fixture.environment["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT"
        fixture.environment["AWS_SECRET_ACCESS_KEY"] = "environment-secret"
        let credentials = try await fixture.chain().credentials(for: Fixture.source(profile: "deploy"))
        #expect(
            credentials == AWSCredentials(accessKeyID: "AKIAFILEDEPLOY", secretAccessKey: "file-deploy-secret", sessionToken: "file-deploy-token"))
    }

    @Test func readsTheDefaultProfileFromHome() async throws {
        let fixture = try Fixture()
        try fixture.writeCredentials(Self.fileCredentials)
        let credentials = try await fixture.chain().credentials(for: Fixture.source())
        #expect(credentials == AWSCredentials(accessKeyID: "AKIAFILEDEFAULT", secretAccessKey: "file-default-secret"))
        #expect(credentials.expiration == nil)
    }

    @Test func readsTheProfileNamedByAWSProfileFromTheConfiguredFile() async throws {
        var fixture = try Fixture()
        let path = try fixture.directory.write("elsewhere-credentials", Self.fileCredentials)
        fixture.environment["AWS_SHARED_CREDENTIALS_FILE"] = path
        fixture.environment["AWS_PROFILE"] = "deploy"
        let credentials = try await fixture.chain().credentials(for: Fixture.source())
        #expect(credentials.accessKeyID == "AKIAFILEDEPLOY")
    }

    @Test func readsConfigFileProfilesSpelledWithProfile() async throws {
        var fixture = try Fixture()
        let config = """
            [default]
            region = eu-west-2
            [profile ci]
            aws_access_key_id = AKIACONFIGCI
            aws_secret_access_key = config-ci-secret
            [legacy]
            aws_access_key_id = AKIANOTAPROFILE
            aws_secret_access_key = not-a-profile
            """
        fixture.environment["AWS_CONFIG_FILE"] = try fixture.directory.write("config", config)
        let chain = fixture.chain()
        #expect(try await chain.credentials(for: Fixture.source(profile: "ci")).accessKeyID == "AKIACONFIGCI")
        // A bare section in the config file is not a profile.
        let error = try await chain.failure(for: Fixture.source(profile: "legacy"))
        #expect(!error.isRetryable)
        #expect(error.description.hasPrefix("AWS profile \"legacy\" is not in"))
    }

    @Test func aMissingNamedProfileIsPermanentAndNamed() async throws {
        let fixture = try Fixture()
        try fixture.writeCredentials(Self.fileCredentials)
        let error = try await fixture.chain().failure(for: Fixture.source(profile: "prod"))
        let home = fixture.directory.path
        #expect(error == .permanent("AWS profile \"prod\" is not in \(home)/.aws/credentials or \(home)/.aws/config"))
    }

    @Test func aMissingProfileNamedByAWSProfileIsPermanentToo() async throws {
        var fixture = try Fixture()
        fixture.environment["AWS_PROFILE"] = "staging"
        let error = try await fixture.chain().failure(for: Fixture.source())
        #expect(!error.isRetryable)
        #expect(error.description.contains("\"staging\""))
    }

    @Test func sourceProfileCyclesArePermanent() async throws {
        let fixture = try Fixture()
        try fixture.writeConfig(
            """
            [profile a]
            role_arn = arn:aws:iam::123456789012:role/a
            source_profile = b
            [profile b]
            role_arn = arn:aws:iam::123456789012:role/b
            source_profile = a
            """)
        try await withStandIn(fixture.sts()) { sts in
            let error = try await fixture.chain().failure(for: Fixture.source(profile: "a", sts: sts))
            #expect(error == .permanent("AWS profiles form a source_profile cycle: a -> b -> a"))
            #expect(sts.calls.isEmpty)
        }
    }

    @Test(arguments: [
        (["AWS_ACCESS_KEY_ID": "AKIAHALF"], "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"),
        (["AWS_SECRET_ACCESS_KEY": "half-secret"], "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"),
        (["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token"], "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"),
    ])
    func halfConfiguredEnvironmentsArePermanent(variables: [String: String], message: String) async throws {
        var fixture = try Fixture()
        fixture.environment.merge(variables) { $1 }
        let error = try await fixture.chain().failure(for: Fixture.source())
        #expect(error == .permanent(message))
        #expect(!error.reveals(["half-secret"]))
    }

    @Test func emptyVariablesCountAsUnset() async throws {
        var fixture = try Fixture()
        try fixture.writeCredentials(Self.fileCredentials)
        fixture.environment["AWS_ACCESS_KEY_ID"] = ""
        fixture.environment["AWS_SECRET_ACCESS_KEY"] = ""
        fixture.environment["AWS_PROFILE"] = ""
        #expect(try await fixture.chain().credentials(for: Fixture.source()).accessKeyID == "AKIAFILEDEFAULT")
    }

    @Test func nothingAvailableIsPermanent() async throws {
        var fixture = try Fixture()
        fixture.environment["AWS_EC2_METADATA_DISABLED"] = nil
        let closedPort = try ClosedPort()
        let closed = closedPort.url
        let started = ContinuousClock.now
        let error = try await fixture.chain(imdsEndpoint: closed).failure(for: Fixture.source())
        #expect(ContinuousClock.now - started < .seconds(10))  // a refused connection: no timeout to wait out
        #expect(!error.isRetryable)
        #expect(
            error.description
                == "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, web identity, or run on ECS/EC2 "
                + "(no answer from instance metadata at \(closed))")
        withExtendedLifetime(closedPort) {}
    }

    @Test func disabledInstanceMetadataIsNotAsked() async throws {
        let fixture = try Fixture()
        try await withStandIn(IMDSStandIn(now: fixture.clock.closure)) { imds in
            let error = try await fixture.chain(imdsEndpoint: imds.baseURL).failure(for: Fixture.source())
            #expect(
                error == .permanent("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, web identity, or run on ECS/EC2")
            )
            #expect(imds.requests.isEmpty)
        }
    }

    @Test func aProfileWithoutCredentialsFallsThroughTheChain() async throws {
        var fixture = try Fixture()
        try fixture.writeConfig("[profile regional]\nregion = eu-west-2\n")
        fixture.environment["AWS_EC2_METADATA_DISABLED"] = nil
        try await withStandIn(IMDSStandIn(now: fixture.clock.closure)) { imds in
            let credentials = try await fixture.chain(imdsEndpoint: imds.baseURL).credentials(for: Fixture.source(profile: "regional"))
            #expect(credentials == imds.issued.first)
        }
    }

    @Test func longTermKeysAreCachedAndNeverRefreshed() async throws {
        let fixture = try Fixture()
        try fixture.writeCredentials(Self.fileCredentials)
        let chain = fixture.chain()
        let first = try await chain.credentials(for: Fixture.source())
        try FileManager.default.removeItem(atPath: fixture.directory.file(".aws/credentials"))
        fixture.clock.advance(by: 365 * 24 * 3600)
        #expect(try await chain.credentials(for: Fixture.source()) == first)
    }
}
