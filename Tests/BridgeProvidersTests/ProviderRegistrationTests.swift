import BridgeCore
import BridgeProviders
import BridgeTestSupport
import Testing

/// Each provider is registered twice, once per module: its definition in Core (`ProviderDefinition.all`: what `check`,
/// `explain`, the planner and the worker know) and its deployer here (`DeployerFactory.all`: what runs it).
@Suite struct ProviderRegistrationTests {
    @Test func everyDefinedProviderHasOneDeployerForItsRequestAndNoDeployerIsUndefined() {
        let definitions = ProviderDefinition.all.map(\.name)
        let factories = DeployerFactory.all.map(\.provider)
        #expect(Set(definitions).count == definitions.count)
        #expect(Set(factories).count == factories.count)
        #expect(factories.sorted() == definitions.sorted())
        for factory in DeployerFactory.all {
            let definition = ProviderDefinition.named(factory.provider)
            #expect(definition.map { ObjectIdentifier($0.request) } == ObjectIdentifier(factory.request), "\(factory.provider)")
        }
    }

    @Test func theBuiltDeployersServeTheirFactorysProvider() throws {
        let dependencies = DeployerDependencies(resolver: TestSecrets(), environment: [:], httpClient: .forTests)
        for factory in DeployerFactory.all {
            #expect(factory.make(dependencies).provider == factory.provider)
        }
        #expect(DeployerFactory.deployers(dependencies).map(\.provider) == DeployerFactory.all.map(\.provider))
    }

    @Test func aStepWhoseParametersMakeNoRequestFailsPermanentlyBeforeAnyCall() async throws {
        let dependencies = DeployerDependencies(resolver: TestSecrets(), environment: [:], httpClient: .forTests)
        let event = PushEvent(forge: .github, repository: "acme/shop", refKind: .branch, refName: "main", sha: CommandFixtures.sha)
        for deployer in DeployerFactory.deployers(dependencies) {
            let step = DeploymentRequest(
                runID: 1, stepID: 1, target: "t", provider: deployer.provider, parameters: .array([]), environment: nil, event: event,
                attempt: 1)
            let error = #expect(throws: ProviderError.self) { try deployer.prepare(step) }
            #expect(error?.isRetryable == false, "\(deployer.provider)")
        }
    }
}
