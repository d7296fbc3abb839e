import BridgeCore

/// One call at a time, as tests make them: each reads the step's request anew (`Deployer.prepare`), where the worker
/// reads it once per step.
extension Deployer {
    /// Reads `step`'s request and starts it; by default outside the worker, recording nothing on the way.
    public func start(_ step: DeploymentRequest, journal: any StepJournal = UnrecordedStepJournal()) async throws(ProviderError) -> DeploymentStart {
        try await prepare(step).start(journal: journal)
    }

    /// Reads `request`'s request and polls the deployment started as `externalID`.
    public func poll(externalID: String, request: DeploymentRequest) async throws(ProviderError) -> DeploymentProgress {
        try await prepare(request).poll(externalID: externalID)
    }

    /// Reads `request`'s request and stops the deployment started as `externalID`.
    public func cancel(externalID: String, request: DeploymentRequest) async throws(ProviderError) {
        try await prepare(request).cancel(externalID: externalID)
    }
}
