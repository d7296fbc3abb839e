extension APIGatewayDeploymentRequest: ProviderRequest {
    public static func read(parameters: ConfigValue, event: PushEvent) throws(ProviderError) -> APIGatewayDeploymentRequest {
        do { return try APIGatewayDeploymentRequest(parameters: parameters) } catch { throw error.providerError }
    }
}

extension ProviderDefinition {
    /// `aws-apigateway`: synchronous, so the timeout only bounds retries of throttling and conflicts.
    static let apiGateway = ProviderDefinition(
        APIGatewayDeploymentRequest.self, label: "API Gateway", defaultTimeout: .seconds(10 * 60),
        problems: APIGatewayDeploymentRequest.problems(in:),
        preview: { call, date in [call.target.preview(call.request, date: date, notes: ["finished when API Gateway answers 201"])] },
        resource: \.resource)
}
