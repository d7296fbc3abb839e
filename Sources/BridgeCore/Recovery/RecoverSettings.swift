/// A source's `recover:` block: where its hook lives on the forge, so deliveries it missed can be found in the forge's
/// delivery log and sent again (GitHub hook deliveries, GitLab hook events). The API credentials are the forge's
/// `status.<forge>` block.
public struct RecoverSettings: Sendable, Hashable {
    /// The forges whose delivery logs recovery reads.
    public static let forges: [Forge] = [.github, .gitlab]

    /// GitHub repositories (`owner/name`) or GitLab project paths (`group/project`) whose hook calls this source.
    public var repositories: [String]
    /// GitHub organisations whose organisation hook calls this source.
    public var organizations: [String]
    /// The hook's id, when it cannot be found from the bridge's public URL.
    public var hook: String?
    public var position: SourcePosition

    public init(repositories: [String] = [], organizations: [String] = [], hook: String? = nil, position: SourcePosition) {
        self.repositories = repositories
        self.organizations = organizations
        self.hook = hook
        self.position = position
    }

    /// Every place a hook is read from, repositories first.
    public var owners: [HookOwner] {
        repositories.map(HookOwner.repository) + organizations.map(HookOwner.organization)
    }
}

/// Where a hook is configured on the forge.
public enum HookOwner: Sendable, Hashable, CustomStringConvertible {
    /// A GitHub repository (`owner/name`) or a GitLab project (`group/project`).
    case repository(String)
    /// A GitHub organisation.
    case organization(String)

    public var description: String {
        switch self {
        case .repository(let name): name
        case .organization(let name): "organization \(name)"
        }
    }
}
