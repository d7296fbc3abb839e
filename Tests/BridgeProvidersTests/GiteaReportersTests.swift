import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// `GiteaReporters.make`: the reporters the server registers for `status.gitea` and `status.forgejo`.
@Suite struct GiteaReportersTests {
    static let position = SourcePosition(file: "rules.yaml", line: 4, column: 3)
    static let sha = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"

    static func settings(_ forge: Forge, url: String = "https://gitea.example.com", token: SecretReference? = .environment("GITEA_TOKEN"))
        -> ForgeStatusSettings
    {
        ForgeStatusSettings(forge: forge, url: url, token: token, position: position)
    }

    static func setupError(_ body: () throws(StatusReportersError) -> [String: any StatusReporter]) -> StatusReportersError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [Forge.gitea, .forgejo])
    func makesOneReporterKeyedByTheForgesKindThatReports(forge: Forge) async throws {
        try await withGiteaFake { fake in
            let resolver = ProcessSecretResolver(environment: ["GITEA_TOKEN": GiteaFake.defaultToken])
            let reporters = try GiteaReporters.make(settings: Self.settings(forge, url: fake.baseURL), resolver: resolver, httpClient: .forTests)
            #expect(Array(reporters.keys) == [forge.rawValue])
            #expect(StatusReporterKind.all[forge.rawValue]?.forge == forge)
            let reporter = try #require(reporters[forge.rawValue])
            let update = StatusUpdate(
                runID: 1, project: "acme/shop", rule: "deploy", environment: "", sha: Self.sha, ref: "main", tag: false, status: .success)
            #expect(try await reporter.report(update) == nil)
            #expect(fake.history(sha: Self.sha).map(\.state) == ["success"])
        }
    }

    @Test(arguments: [Forge.gitea, .forgejo])
    func isTheRegistrysFactoryForBothForges(forge: Forge) throws {
        let factory: StatusReporters.Factory = GiteaReporters.make(settings:resolver:httpClient:)
        let resolver = ProcessSecretResolver(environment: ["GITEA_TOKEN": GiteaFake.defaultToken])
        #expect(try factory(Self.settings(forge), resolver, .forTests).keys.sorted() == [forge.rawValue])
    }

    @Test func aMissingSecretNamesItsReference() {
        let error = Self.setupError { () throws(StatusReportersError) in
            try GiteaReporters.make(settings: Self.settings(.forgejo), resolver: ProcessSecretResolver(environment: [:]), httpClient: .forTests)
        }
        #expect(error?.description == "token: environment variable GITEA_TOKEN is not set")
    }

    @Test func aBlockWithoutTokenIsRefused() {
        let error = Self.setupError { () throws(StatusReportersError) in
            try GiteaReporters.make(settings: Self.settings(.gitea, token: nil), resolver: ProcessSecretResolver(), httpClient: .forTests)
        }
        #expect(error?.description == "token is missing")
    }

    @Test func aTokenNoHeaderCanCarryIsRefusedWithoutItsValue() {
        let resolver = ProcessSecretResolver(environment: ["GITEA_TOKEN": "secret value-with-space"])
        let error = Self.setupError { () throws(StatusReportersError) in
            try GiteaReporters.make(settings: Self.settings(.gitea), resolver: resolver, httpClient: .forTests)
        }
        #expect(error?.description == "token: the secret env:GITEA_TOKEN has characters an HTTP header cannot carry")
        #expect(error?.description.contains("value-with-space") == false)
    }

    @Test func anotherForgesBlockIsRefused() {
        let error = Self.setupError { () throws(StatusReportersError) in
            try GiteaReporters.make(settings: Self.settings(.bitbucket), resolver: ProcessSecretResolver(), httpClient: .forTests)
        }
        #expect(error?.description == "not a Gitea or Forgejo block")
    }
}
