import Foundation

/// Pulumi Cloud's Deployments REST API for a `pulumi` target (providers.md §6): `POST
/// /api/stacks/{organization}/{project}/{stack}/deployments` with `Authorization: token …`, then the deployment is
/// read, its logs paged and, on cancel, `POST …/{id}/cancel`. The retired `/api/preview/…` routes are never used.
///
/// | key | sent as |
/// |---|---|
/// | `organization`, `project`, `stack` (required) | the path |
/// | `token` (required, a reference) | `Authorization: token …` |
/// | `api_url` | the API's base URL (default `https://api.pulumi.com`; self-hosted Pulumi Cloud gives its own) |
/// | `operation` (`update`, `preview`, `refresh`, `destroy`, `detect-drift`, `remediate-drift`; default `update`) | `operation` |
/// | `inherit_settings` | `inheritSettings` (Pulumi's default: true, the stack's deployment settings apply) |
/// | `source: {repo_url, branch, commit, repo_dir, git_auth}` | `sourceContext.git`; without `branch` or `commit`, `commit` is the pushed commit, which needs `repo_url` to be left out or to name the pushed repository |
/// | `operation_context: {pre_run_commands, environment_variables, secret_environment_variables, options, oidc}` | `operationContext` |
/// | `executor_context: {executor_image}` | `executorContext`; `credentials.username` is sent as a plain string, `credentials.password` as a secret |
public struct PulumiDeploymentRequest: Sendable, Hashable {
    public static let provider = "pulumi"
    public static let defaultAPIURL = "https://api.pulumi.com"
    /// The media type every Pulumi Cloud REST call asks for.
    public static let accept = "application/vnd.pulumi+8"
    public static let operations = ["update", "preview", "refresh", "destroy", "detect-drift", "remediate-drift"]

    /// The API's base URL, without a trailing slash.
    public var apiURL: String
    public var organization: String
    public var project: String
    public var stack: String
    public var token: SecretReference
    /// The create call's JSON body; each secret is `{"secret": "<reference>"}`, each plain value held by reference
    /// `{"$plain": "<reference>"}`, until `body(resolving:)` reads them.
    public var bodyTemplate: ConfigValue

    static let secretMarker = "secret"
    static let plainMarker = "$plain"

    /// Builds the request from a target's rendered parameters, or throws every problem found. `event` gives the
    /// default commit.
    public init(parameters: ConfigValue, event: PushEvent) throws(ParameterError) {
        var reader = ParameterReader(parameters, allowsTemplates: false)
        let built = Self.read(&reader, event: event)
        guard let built, reader.problems.isEmpty else {
            throw ParameterError(provider: Self.provider, problems: reader.problems.map(\.message))
        }
        self = built
    }

    init(apiURL: String, organization: String, project: String, stack: String, token: SecretReference, bodyTemplate: ConfigValue) {
        self.apiURL = apiURL
        self.organization = organization
        self.project = project
        self.stack = stack
        self.token = token
        self.bodyTemplate = bodyTemplate
    }

    /// Every problem of a parameter set, empty when it is valid (templates accepted where they could render well).
    public static func problems(in parameters: ConfigValue) -> [ParameterProblem] {
        var reader = ParameterReader(parameters, allowsTemplates: true)
        _ = read(&reader, event: nil)
        return reader.problems
    }

    /// `…/api/stacks/{organization}/{project}/{stack}/deployments`.
    public var deploymentsURL: String {
        let path = [organization, project, stack].map(SigV4Signer.uriEncode).joined(separator: "/")
        return "\(apiURL)/api/stacks/\(path)/deployments"
    }

    /// The stack it deploys, which steps are serialised on (`StepResource`): `https://api.pulumi.com/api/stacks/acme/shop/prod`.
    public var resource: String {
        String(deploymentsURL.dropLast("/deployments".count))
    }

    /// The headers of every call, with the token.
    public static func headers(token: String, json: Bool) -> [HeaderField] {
        var headers = [HeaderField("Authorization", "token \(token)"), HeaderField("Accept", accept)]
        if json { headers.append(HeaderField("Content-Type", "application/json")) }
        return headers
    }

    /// The create call's body with every reference read by `secret`: a secret sent as `{"secret": value}`, a plain value
    /// as the string itself.
    public func body(resolving secret: (SecretReference) throws(SecretError) -> String) throws(SecretError) -> ConfigValue {
        try Self.resolving(bodyTemplate, secret)
    }

    private static func resolving(
        _ value: ConfigValue, _ secret: (SecretReference) throws(SecretError) -> String
    ) throws(SecretError) -> ConfigValue {
        switch value {
        case .object(let members):
            if members.count == 1, case .string(let text)? = members[secretMarker], let reference = SecretReference(text) {
                return .object([secretMarker: .string(try secret(reference))])
            }
            if members.count == 1, case .string(let text)? = members[plainMarker], let reference = SecretReference(text) {
                return .string(try secret(reference))
            }
            var resolved: [String: ConfigValue] = [:]
            for (key, member) in members { resolved[key] = try resolving(member, secret) }
            return .object(resolved)
        case .array(let elements):
            var resolved: [ConfigValue] = []
            for element in elements { resolved.append(try resolving(element, secret)) }
            return .array(resolved)
        default:
            return value
        }
    }

    /// The create call as `explain` shows it: the token and every secret `<redacted>`.
    public func preview() -> RequestPreview {
        let body = (try? body { _ throws(SecretError) in RequestPreview.redacted }) ?? bodyTemplate
        return RequestPreview(
            call: "pulumi create deployment", method: "POST", url: deploymentsURL,
            headers: Self.headers(token: RequestPreview.redacted, json: true), body: body.jsonText,
            notes: [
                "token: \(token)",
                "then polls GET \(deploymentsURL)/{id} until succeeded, failed or skipped, and pages GET …/{id}/logs "
                    + "(nextToken) into the step's log; cancelling the run sends POST …/{id}/cancel",
            ])
    }
}
