import BridgeCore

/// The clients of every `StatusReporterKind`, built from the rules' `status` blocks: one factory per forge, each
/// giving its reporters by kind name. Adding a forge is its factory here and its `StatusForge` in BridgeCore.
public enum StatusReporters {
    /// Builds the reporters of one forge's block, its secrets resolved now (an error names the reference, never the value).
    public typealias Factory = @Sendable (ForgeStatusSettings, any SecretResolver, ProviderHTTPClient) throws -> [String: any StatusReporter]

    /// By forge.
    public static let factories: [Forge: Factory] = [
        .gitlab: { settings, resolver, httpClient in
            let token = try resolver.resolve(try required(settings.token, "token", of: settings))
            return ["gitlab": GitLabStatusReporter(baseURL: settings.url, token: token, httpClient: httpClient)]
        },
        .github: { try GitHubReporters.make(settings: $0, resolver: $1, httpClient: $2) },
        .gitea: GiteaReporters.make(settings:resolver:httpClient:),
        .forgejo: GiteaReporters.make(settings:resolver:httpClient:),
        .bitbucket: BitbucketReporters.make(settings:resolver:httpClient:),
    ]

    /// Every reporter the `status` blocks configure, by kind name.
    public static func make(
        _ status: StatusSettings, resolver: any SecretResolver, httpClient: ProviderHTTPClient
    ) throws(StatusReportersError) -> [String: any StatusReporter] {
        var reporters: [String: any StatusReporter] = [:]
        for settings in status.forges.values.sorted(by: { $0.forge.rawValue < $1.forge.rawValue }) {
            guard let factory = factories[settings.forge] else {
                throw StatusReportersError("\(settings.position): status.\(settings.forge.rawValue): this version cannot report to it")
            }
            do {
                reporters.merge(try factory(settings, resolver, httpClient)) { first, _ in first }
            } catch {
                throw StatusReportersError("\(settings.position): status.\(settings.forge.rawValue): \(error)")
            }
        }
        return reporters
    }

    /// The credential `key` of `settings`, which the rules loader made sure is there.
    public static func required(_ reference: SecretReference?, _ key: String, of settings: ForgeStatusSettings) throws(StatusReportersError)
        -> SecretReference
    {
        guard let reference else { throw StatusReportersError("status.\(settings.forge.rawValue).\(key) is missing") }
        return reference
    }
}

/// Why the status reporters could not be built (a secret that cannot be read, a key that is not a key).
public struct StatusReportersError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
