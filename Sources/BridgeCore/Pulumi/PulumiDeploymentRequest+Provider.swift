extension PulumiDeploymentRequest: ProviderRequest {
    public static func read(parameters: ConfigValue, event: PushEvent) throws(ProviderError) -> PulumiDeploymentRequest {
        do { return try PulumiDeploymentRequest(parameters: parameters, event: event) } catch { throw error.providerError }
    }
}

extension ProviderDefinition {
    /// `pulumi`. An update that creates a database or a Kubernetes cluster takes tens of minutes, and cancelling one half
    /// way may leave the stack to repair by hand: generous.
    static let pulumi = ProviderDefinition(
        PulumiDeploymentRequest.self, label: "Pulumi", defaultTimeout: .seconds(2 * 3600), problems: PulumiDeploymentRequest.problems(in:),
        preview: { call, _ in [call.preview()] }, resource: \.resource)
}
