extension AliyunDeployRequest: ProviderRequest {
    public static func read(parameters: ConfigValue, event: PushEvent) throws(ProviderError) -> AliyunDeployRequest {
        do { return try AliyunDeployRequest(parameters: parameters, event: event) } catch { throw error.providerError }
    }
}

extension ProviderDefinition {
    /// `aliyun-apigateway`: synchronous, like API Gateway.
    static let aliyunAPIGateway = ProviderDefinition(
        AliyunDeployRequest.self, label: "Alibaba API Gateway", defaultTimeout: .seconds(10 * 60), problems: AliyunDeployRequest.problems(in:),
        preview: { call, date in [call.preview(date: date)] }, resource: \.resource)
}
