extension CodeDeployRequest: ProviderRequest {
    public static func read(parameters: ConfigValue, event: PushEvent) throws(ProviderError) -> CodeDeployRequest {
        do { return try CodeDeployRequest(parameters: parameters, pushedSHA: event.sha) } catch { throw error.providerError }
    }
}

extension ProviderDefinition {
    /// `aws-codedeploy`. The slowest predefined configurations shift traffic for 100 minutes
    /// (`…Linear10PercentEvery10Minutes`), and a blue/green deployment then waits for the original instances to be
    /// terminated (one hour by default on EC2): three hours.
    static let codeDeploy = ProviderDefinition(
        CodeDeployRequest.self, label: "CodeDeploy", defaultTimeout: .seconds(3 * 3600), problems: CodeDeployRequest.problems(in:),
        preview: { call, date in
            let then = "then polls GetDeployment until Succeeded, Failed or Stopped; cancelling the run sends StopDeployment"
            return [call.target.preview(call.createDeployment, date: date, notes: [then])]
        },
        resource: \.resource)
}
