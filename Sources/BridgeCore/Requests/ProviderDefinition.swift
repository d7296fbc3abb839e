import Foundation

/// A provider as everything but its client knows it, in one registration: its name and label, the keys the rules
/// loader checks, what `check` validates and `explain` shows, the real resource a step deploys to, how long a step may
/// take, and its typed request (`ProviderRequest`), which its deployer in BridgeProviders runs.
///
/// A new provider is its request type with a definition, one line in `all`, and a deployer (`DeployerFactory.all` in
/// BridgeProviders); a test checks that both lists name the same providers.
public struct ProviderDefinition: Sendable {
    /// Every provider this version knows, by name in the rules file.
    public static let all: [ProviderDefinition] = [.apiGateway, .codeDeploy, .aliyunAPIGateway, .pulumi, .command]

    /// The provider's name in the rules file (`aws-codedeploy`): its request's `ProviderRequest.provider`.
    public let name: String
    /// The service's name in messages (`CodeDeploy`).
    public let label: String
    /// How long a step may take when it sets no `timeout` (`StepTimeout`); nil when the provider bounds its steps itself
    /// (the `command` provider's process timeout).
    public let defaultTimeout: Duration?
    /// The request type its deployer runs.
    public let request: any ProviderRequest.Type
    /// The keys the rules loader checks on the target and step themselves, with their lines (`ProviderSchema`).
    let schema: ProviderSchema
    /// Every problem of a step's merged, unrendered parameters (templates accepted where they could render well).
    public let problems: @Sendable (_ parameters: ConfigValue) -> [ParameterProblem]
    /// The requests a step with these rendered parameters would send for `event`, signed as at `date` with every
    /// secret redacted; or why the parameters cannot make one. Empty for a provider that sends none (`command`, whose
    /// rendered parameters `explain` shows as they are).
    public let preview: @Sendable (_ parameters: ConfigValue, _ event: PushEvent, _ date: Date) throws(ProviderError) -> [RequestPreview]
    /// The real resource a step with these rendered parameters deploys to (`StepResource`); nil when they cannot make a
    /// request, or the provider has no resource of its own (`command`: the target's name stands in).
    public let resource: @Sendable (_ parameters: ConfigValue, _ event: PushEvent) -> String?
    /// Whether `resource` can give anything but nil (when not, the parameters need not be rendered to ask it).
    public let hasResource: Bool

    /// A provider whose steps run `Request`: `preview` gives the calls `explain` shows (nil: none), `resource` the key
    /// steps are serialised on (nil: the target's name).
    init<Request: ProviderRequest>(
        _ request: Request.Type, label: String, defaultTimeout: Duration?, schema: ProviderSchema = ProviderSchema(),
        problems: @escaping @Sendable (ConfigValue) -> [ParameterProblem] = { _ in [] },
        preview: (@Sendable (Request, Date) -> [RequestPreview])? = nil, resource: (@Sendable (Request) -> String)? = nil
    ) {
        name = Request.provider
        self.label = label
        self.defaultTimeout = defaultTimeout
        self.request = request
        self.schema = schema
        self.problems = problems
        if let preview {
            self.preview = { parameters, event, date throws(ProviderError) in
                preview(try Request.read(parameters: parameters, event: event), date)
            }
        } else {
            self.preview = { _, _, _ throws(ProviderError) in [] }
        }
        hasResource = resource != nil
        if let resource {
            self.resource = { parameters, event in (try? Request.read(parameters: parameters, event: event)).map(resource) }
        } else {
            self.resource = { _, _ in nil }
        }
    }

    /// The provider called `name` in the rules file.
    public static func named(_ name: String) -> ProviderDefinition? {
        byName[name]
    }

    /// Provider names, sorted, for messages.
    public static let names: [String] = all.map(\.name).sorted()

    private static let byName = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
}
