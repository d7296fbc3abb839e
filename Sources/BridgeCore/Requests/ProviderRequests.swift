import Foundation

/// What `check` and `explain` know about a provider that calls an API: how to validate a target's parameters before
/// any event renders them, and the requests a step would send.
public struct ProviderRequests: Sendable {
    /// Every problem of a step's merged, unrendered parameters (templates accepted where they could render well).
    public var problems: @Sendable (_ parameters: ConfigValue) -> [ParameterProblem]
    /// The requests a step with these rendered parameters would send for `event`, signed as at `date` with every
    /// secret redacted; or why the parameters cannot make one.
    public var preview: @Sendable (_ parameters: ConfigValue, _ event: PushEvent, _ date: Date) throws(ParameterError) -> [RequestPreview]

    public init(
        problems: @escaping @Sendable (ConfigValue) -> [ParameterProblem],
        preview: @escaping @Sendable (ConfigValue, PushEvent, Date) throws(ParameterError) -> [RequestPreview]
    ) {
        self.problems = problems
        self.preview = preview
    }

    /// By provider name. The `command` provider is not here: its keys are checked by the rules schema and `explain`
    /// shows its rendered command line as is.
    public static let all: [String: ProviderRequests] = [
        APIGatewayDeploymentRequest.provider: ProviderRequests(
            problems: APIGatewayDeploymentRequest.problems(in:),
            preview: { parameters, _, date throws(ParameterError) in
                let call = try APIGatewayDeploymentRequest(parameters: parameters)
                return [call.target.preview(call.request, date: date, notes: ["finished when API Gateway answers 201"])]
            }),
        CodeDeployRequest.provider: ProviderRequests(
            problems: CodeDeployRequest.problems(in:),
            preview: { parameters, event, date throws(ParameterError) in
                let call = try CodeDeployRequest(parameters: parameters, pushedSHA: event.sha)
                let then = "then polls GetDeployment until Succeeded, Failed or Stopped; cancelling the run sends StopDeployment"
                return [call.target.preview(call.createDeployment, date: date, notes: [then])]
            }),
        AliyunDeployRequest.provider: ProviderRequests(
            problems: AliyunDeployRequest.problems(in:),
            preview: { parameters, event, date throws(ParameterError) in
                [try AliyunDeployRequest(parameters: parameters, event: event).preview(date: date)]
            }),
        PulumiDeploymentRequest.provider: ProviderRequests(
            problems: PulumiDeploymentRequest.problems(in:),
            preview: { parameters, event, _ throws(ParameterError) in
                [try PulumiDeploymentRequest(parameters: parameters, event: event).preview()]
            }),
    ]
}
