import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// Building the GitHub reporters from a `status.github` block, as the server does.
@Suite struct GitHubReportersTests {
    typealias Fixture = GitHubFixture
    static let position = SourcePosition(file: "rules.yaml", line: 3, column: 3)

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("github-reporters-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    static func settings(url: String, token: String? = nil, appID: String? = nil, privateKey: String? = nil) -> ForgeStatusSettings {
        ForgeStatusSettings(
            forge: .github, url: url, token: token.flatMap(SecretReference.init), appID: appID, privateKey: privateKey.flatMap(SecretReference.init),
            position: position)
    }

    /// The error `make` throws, as text; nil when it builds.
    static func setupError(_ settings: ForgeStatusSettings, environment: [String: String] = [:]) -> String? {
        do {
            _ = try GitHubReporters.make(settings: settings, resolver: ProcessSecretResolver(environment: environment), httpClient: .forTests)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func makesBothKindsUnderTheirNames() throws {
        let reporters = try GitHubReporters.make(
            settings: Self.settings(url: "https://api.github.com", token: "env:GITHUB_TOKEN"),
            resolver: ProcessSecretResolver(environment: ["GITHUB_TOKEN": Fixture.token]), httpClient: .forTests)
        #expect(Set(reporters.keys) == ["github-deployment", "github-status"])
        #expect(reporters["github-deployment"] is GitHubDeploymentReporter)
        #expect(reporters["github-status"] is GitHubCommitStatusReporter)
        #expect(StatusReporterKind.all[GitHubDeploymentReporter.kind]?.kind == .deployment)
        #expect(StatusReporterKind.all[GitHubCommitStatusReporter.kind]?.kind == .commitStatus)
    }

    @Test(arguments: [false, true])
    func anAppsReportersShareOneTokenEndToEnd(pkcs8: Bool) async throws {
        let path = try GitHubTestKey.shared.writePrivateKey(in: directory.path, pkcs8: pkcs8)
        try await withGitHubFake(Fixture.fake(pathPrefix: "/api/v3")) { fake in
            let reporters = try GitHubReporters.make(
                settings: Self.settings(url: fake.baseURL, appID: fake.appID, privateKey: "file:\(path)"),
                resolver: ProcessSecretResolver(environment: [:]), httpClient: .forTests)
            let deployments = try #require(reporters["github-deployment"])
            let statuses = try #require(reporters["github-status"])
            let id = try await deployments.report(Fixture.update())
            _ = try await statuses.report(Fixture.update())
            _ = try await deployments.report(Fixture.update(.running, deploymentID: id, requestID: 2))
            #expect(fake.deployments.map(\.states) == [["queued", "in_progress"]])
            #expect(fake.commitStatuses(sha: Fixture.sha).map(\.state) == ["pending"])
            #expect(fake.issuedTokens.count == 1)
        }
    }

    @Test func aFileThatIsNotAKeyIsNamedNeverQuoted() throws {
        let path = directory.appendingPathComponent("app.pem").path
        try Data("-----BEGIN RSA PRIVATE KEY-----\nMIIEsecretmaterial\n-----END RSA PRIVATE KEY-----\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(Self.setupError(Self.settings(url: "https://api.github.com", appID: "42", privateKey: "file:\(path)")))
        #expect(error.hasPrefix("private_key: the GitHub App private key file:\(path) is not"))
        #expect(!error.contains("MIIE"))
    }

    @Test func aMissingSecretIsNamed() throws {
        let error = try #require(Self.setupError(Self.settings(url: "https://api.github.com", token: "env:GITHUB_TOKEN")))
        #expect(error == "token: environment variable GITHUB_TOKEN is not set")
    }

    @Test func anAppIDThatIsNotOneIsNamed() throws {
        let path = try GitHubTestKey.shared.writePrivateKey(in: directory.path)
        let error = try #require(Self.setupError(Self.settings(url: "https://api.github.com", appID: "my app", privateKey: "file:\(path)")))
        #expect(error.hasPrefix("app_id: the GitHub App id \"my app\" is not"))
    }

    @Test func anAppIsPreferredToATokenWhenBothAreGiven() async throws {
        let path = try GitHubTestKey.shared.writePrivateKey(in: directory.path)
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporters = try GitHubReporters.make(
                settings: Self.settings(url: fake.baseURL, token: "env:GITHUB_TOKEN", appID: fake.appID, privateKey: "file:\(path)"),
                resolver: ProcessSecretResolver(environment: ["GITHUB_TOKEN": Fixture.token]), httpClient: .forTests)
            _ = try await #require(reporters["github-status"]).report(Fixture.update())
            #expect(fake.requests.last?.caller == .installation(7001))
        }
    }
}
