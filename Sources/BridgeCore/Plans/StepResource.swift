/// The real resource a step deploys to: the worker never runs two steps with the same resource at once, whichever
/// targets they come from (two targets naming one REST API would otherwise race, and API Gateway answers the loser
/// with `ConflictException`).
///
/// | provider | resource |
/// |---|---|
/// | `aws-apigateway` | the REST API: endpoint + `rest_api_id` (every stage of it) |
/// | `aws-codedeploy` | the deployment group: endpoint + `application` + `deployment_group` |
/// | `aliyun-apigateway` | the API's stage: endpoint + `group_id` + `api_id` + `stage` |
/// | `pulumi` | the stack: `api_url` + `organization` + `project` + `stack` |
/// | `command` | the target's name |
///
/// A command's resource is its target's name: what a command deploys cannot be read from its argv, and an argv holds
/// templates (`${sha}`) that would give every run its own key, so two runs of one command target could overlap. Two
/// command targets that touch the same thing belong in one target.
///
/// Keys are computed when the step is planned, so templates render with the event, the rule and its environment;
/// `${delivery}` and `${run}` are not known yet and stay as written. Credentials are not part of a key: two targets
/// reaching the same names through two accounts are serialised too, which costs time but never races.
public enum StepResource {
    /// The resource of a step of `target` with these merged, unrendered parameters; the target's name when the
    /// provider is `command` or the parameters cannot make a request (the step will fail anyway).
    public static func key(
        target: String, provider: String, parameters: ConfigValue, event: PushEvent, rule: String, environment: String?
    ) -> String {
        guard let definition = ProviderDefinition.named(provider), definition.hasResource else { return target }
        let variables = TemplateVariables.make(event: event, rule: rule, environment: environment, delivery: "${delivery}", run: "${run}")
        return definition.resource(parameters.renderingTemplates(variables), event) ?? target
    }
}
