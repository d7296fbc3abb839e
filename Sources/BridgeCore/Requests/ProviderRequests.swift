import Foundation

/// What `check`, `explain`, the planner and the worker know about a provider that calls an API: how to validate a
/// target's parameters before any event renders them, the requests a step would send, the real resource it deploys
/// to, and how long it may take.
public struct ProviderRequests: Sendable {
    /// The service's name in messages (`CodeDeploy`, `Pulumi`).
    public var label: String
    /// How long a step may take when it sets no `timeout` (`StepTimeout`).
    public var defaultTimeout: Duration
    /// Every problem of a step's merged, unrendered parameters (templates accepted where they could render well).
    public var problems: @Sendable (_ parameters: ConfigValue) -> [ParameterProblem]
    /// The requests a step with these rendered parameters would send for `event`, signed as at `date` with every
    /// secret redacted; or why the parameters cannot make one.
    public var preview: @Sendable (_ parameters: ConfigValue, _ event: PushEvent, _ date: Date) throws(ParameterError) -> [RequestPreview]
    /// The real resource a step with these rendered parameters deploys to (`StepResource`); nil when they cannot make a
    /// request.
    public var resource: @Sendable (_ parameters: ConfigValue, _ event: PushEvent) -> String?

    public init(
        label: String, defaultTimeout: Duration, problems: @escaping @Sendable (ConfigValue) -> [ParameterProblem],
        preview: @escaping @Sendable (ConfigValue, PushEvent, Date) throws(ParameterError) -> [RequestPreview],
        resource: @escaping @Sendable (ConfigValue, PushEvent) -> String?
    ) {
        self.label = label
        self.defaultTimeout = defaultTimeout
        self.problems = problems
        self.preview = preview
        self.resource = resource
    }

    /// By provider name. The `command` provider is not here: its keys are checked by the rules schema and `explain`
    /// shows its rendered command line as is.
    public static let all: [String: ProviderRequests] = [
        // Synchronous: the timeout only bounds retries of throttling and conflicts.
        APIGatewayDeploymentRequest.provider: ProviderRequests(
            label: "API Gateway", defaultTimeout: .seconds(10 * 60),
            problems: APIGatewayDeploymentRequest.problems(in:),
            preview: { parameters, _, date throws(ParameterError) in
                let call = try APIGatewayDeploymentRequest(parameters: parameters)
                return [call.target.preview(call.request, date: date, notes: ["finished when API Gateway answers 201"])]
            },
            resource: { parameters, _ in (try? APIGatewayDeploymentRequest(parameters: parameters))?.resource }),
        // The slowest predefined configurations shift traffic for 100 minutes (`…Linear10PercentEvery10Minutes`), and a
        // blue/green deployment then waits for the original instances to be terminated (one hour by default on EC2).
        CodeDeployRequest.provider: ProviderRequests(
            label: "CodeDeploy", defaultTimeout: .seconds(3 * 3600),
            problems: CodeDeployRequest.problems(in:),
            preview: { parameters, event, date throws(ParameterError) in
                let call = try CodeDeployRequest(parameters: parameters, pushedSHA: event.sha)
                let then = "then polls GetDeployment until Succeeded, Failed or Stopped; cancelling the run sends StopDeployment"
                return [call.target.preview(call.createDeployment, date: date, notes: [then])]
            },
            resource: { parameters, event in (try? CodeDeployRequest(parameters: parameters, pushedSHA: event.sha))?.resource }),
        // Synchronous, like API Gateway.
        AliyunDeployRequest.provider: ProviderRequests(
            label: "Alibaba API Gateway", defaultTimeout: .seconds(10 * 60),
            problems: AliyunDeployRequest.problems(in:),
            preview: { parameters, event, date throws(ParameterError) in
                [try AliyunDeployRequest(parameters: parameters, event: event).preview(date: date)]
            },
            resource: { parameters, event in (try? AliyunDeployRequest(parameters: parameters, event: event))?.resource }),
        // An update that creates a database or a Kubernetes cluster takes tens of minutes, and cancelling one half way
        // may leave the stack to repair by hand: generous.
        PulumiDeploymentRequest.provider: ProviderRequests(
            label: "Pulumi", defaultTimeout: .seconds(2 * 3600),
            problems: PulumiDeploymentRequest.problems(in:),
            preview: { parameters, event, _ throws(ParameterError) in
                [try PulumiDeploymentRequest(parameters: parameters, event: event).preview()]
            },
            resource: { parameters, event in (try? PulumiDeploymentRequest(parameters: parameters, event: event))?.resource }),
    ]
}
