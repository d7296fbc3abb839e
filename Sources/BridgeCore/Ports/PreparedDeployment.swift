/// One step's deployment with its provider's request read (`Deployer.prepare`): what the worker starts, polls and
/// cancels, without reading the step's parameters again.
public struct PreparedDeployment: Sendable {
    /// The step, its parameters rendered.
    public let step: DeploymentRequest
    private let startDeployment: @Sendable (any StepJournal) async throws(ProviderError) -> DeploymentStart
    private let pollDeployment: @Sendable (String) async throws(ProviderError) -> DeploymentProgress
    private let cancelDeployment: @Sendable (String) async throws(ProviderError) -> Void

    init<Provider: Deployer>(_ deployer: Provider, request: Provider.Request, step: DeploymentRequest) {
        self.step = step
        startDeployment = { journal throws(ProviderError) in try await deployer.start(request, step: step, journal: journal) }
        pollDeployment = { id throws(ProviderError) in try await deployer.poll(request, externalID: id, step: step) }
        cancelDeployment = { id throws(ProviderError) in try await deployer.cancel(request, externalID: id, step: step) }
    }

    /// Starts the deployment, recording its progress in `journal`.
    public func start(journal: any StepJournal) async throws(ProviderError) -> DeploymentStart {
        try await startDeployment(journal)
    }

    /// The status of the deployment started earlier as `externalID`.
    public func poll(externalID: String) async throws(ProviderError) -> DeploymentProgress {
        try await pollDeployment(externalID)
    }

    /// Asks the provider to stop the deployment started earlier as `externalID`.
    public func cancel(externalID: String) async throws(ProviderError) {
        try await cancelDeployment(externalID)
    }
}
