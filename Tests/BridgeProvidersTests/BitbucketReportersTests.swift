import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// `BitbucketReporters.make`: the reporter the server registers for `status.bitbucket`.
@Suite struct BitbucketReportersTests {
    static let position = SourcePosition(file: "rules.yaml", line: 9, column: 3)
    static let sha = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"
    static let resolver = ProcessSecretResolver(environment: [
        "BITBUCKET_TOKEN": BitbucketFake.defaultToken, "BITBUCKET_APP_PASSWORD": BitbucketFake.defaultAppPassword,
    ])

    static func settings(
        url: String = BitbucketStatusReporter.defaultBaseURL, token: SecretReference? = nil, username: String? = nil,
        appPassword: SecretReference? = nil, forge: Forge = .bitbucket
    ) -> ForgeStatusSettings {
        ForgeStatusSettings(forge: forge, url: url, token: token, username: username, appPassword: appPassword, position: position)
    }

    static func setupError(_ settings: ForgeStatusSettings, resolver: ProcessSecretResolver = resolver) -> StatusReportersError? {
        do {
            _ = try BitbucketReporters.make(settings: settings, resolver: resolver, httpClient: .forTests)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [true, false])
    func makesTheBitbucketReporterWithEitherCredential(accessToken: Bool) async throws {
        try await withBitbucketFake { fake in
            let settings =
                accessToken
                ? Self.settings(url: fake.baseURL, token: .environment("BITBUCKET_TOKEN"))
                : Self.settings(url: fake.baseURL, username: BitbucketFake.defaultUsername, appPassword: .environment("BITBUCKET_APP_PASSWORD"))
            let reporters = try BitbucketReporters.make(settings: settings, resolver: Self.resolver, httpClient: .forTests)
            #expect(Array(reporters.keys) == ["bitbucket"])
            #expect(StatusReporterKind.all["bitbucket"]?.forge == .bitbucket)
            let update = StatusUpdate(
                runID: 1, project: "acme/shop", rule: "deploy", environment: "prod", sha: Self.sha, ref: "main", tag: false, status: .queued)
            #expect(try await reporters["bitbucket"]?.report(update) == nil)
            #expect(fake.requests.first?.headers["authorization"] == (accessToken ? "Bearer [REDACTED]" : "Basic [REDACTED]"))
            #expect(fake.statuses(sha: Self.sha).map(\.state) == ["INPROGRESS"])
        }
    }

    @Test func isTheRegistrysFactory() throws {
        let factory: StatusReporters.Factory = BitbucketReporters.make(settings:resolver:httpClient:)
        #expect(try factory(Self.settings(token: .environment("BITBUCKET_TOKEN")), Self.resolver, .forTests).keys.sorted() == ["bitbucket"])
    }

    @Test func theTokenWinsWhenBothCredentialsAreGiven() throws {
        let settings = Self.settings(
            token: .environment("BITBUCKET_TOKEN"), username: "someone", appPassword: .environment("UNSET_APP_PASSWORD"))
        #expect(Self.setupError(settings) == nil)
    }

    @Test func aMissingSecretNamesItsReference() {
        let error = Self.setupError(Self.settings(username: "deploy-bot", appPassword: .environment("NOT_SET")))
        #expect(error?.description == "app_password: environment variable NOT_SET is not set")
    }

    @Test func anEmptySecretFileIsRefusedByReference() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bitbucket-reporters-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("token").path
        try Data("\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = Self.setupError(Self.settings(token: .file(path)))
        #expect(error?.description == "token: secret file:\(path) is empty")
    }

    @Test func aTokenNoHeaderCanCarryIsRefusedWithoutItsValue() {
        let resolver = ProcessSecretResolver(environment: ["BITBUCKET_TOKEN": "two words"])
        let error = Self.setupError(Self.settings(token: .environment("BITBUCKET_TOKEN")), resolver: resolver)
        #expect(
            error?.description == "token: the secret env:BITBUCKET_TOKEN has characters an HTTP header cannot carry")
    }

    @Test func anAppPasswordMayHoldAnyCharacter() {
        let resolver = ProcessSecretResolver(environment: ["BITBUCKET_APP_PASSWORD": "späce and ü"])
        #expect(
            Self.setupError(Self.settings(username: "deploy-bot", appPassword: .environment("BITBUCKET_APP_PASSWORD")), resolver: resolver) == nil)
    }

    @Test func refusesMissingCredentialsAUserWithAColonAndAnotherForge() {
        #expect(Self.setupError(Self.settings())?.description == "needs token, or username + app_password")
        #expect(
            Self.setupError(Self.settings(username: "a:b", appPassword: .environment("BITBUCKET_APP_PASSWORD")))?.description
                == "username must be a user name without a colon")
        #expect(
            Self.setupError(Self.settings(token: .environment("BITBUCKET_TOKEN"), forge: .gitea))?.description
                == "not a Bitbucket block")
    }
}
