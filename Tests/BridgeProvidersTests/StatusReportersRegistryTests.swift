import BridgeCore
import BridgeProviders
import Testing

/// The reporters' two halves stay in step: every forge BridgeCore plans reports for has a client here, and every
/// client's kinds are kinds BridgeCore knows.
@Suite struct StatusReportersRegistryTests {
    @Test func everyStatusForgeHasAFactoryAndNothingElseDoes() {
        #expect(Set(StatusReporters.factories.keys) == Set(StatusForge.all.map(\.forge)))
        #expect(Set(StatusForge.all.map(\.forge)) == Set(Forge.allCases))
    }

    @Test func eachForgesFactoryBuildsExactlyItsKinds() async throws {
        let resolver = ProcessSecretResolver(environment: ["T": "token-value"])
        let httpClient = ProviderHTTPClient()
        for definition in StatusForge.all {
            let settings = ForgeStatusSettings(
                forge: definition.forge, url: "https://forge.example.com", token: .environment("T"),
                position: SourcePosition(file: "rules.yaml", line: 1, column: 1))
            let factory = try #require(StatusReporters.factories[definition.forge])
            let reporters = try factory(settings, resolver, httpClient)
            #expect(Set(reporters.keys) == Set(definition.reporters.map(\.name)), "\(definition.forge)")
        }
        try await httpClient.shutdown()
    }
}
