/// A place in a rules file, for error messages.
public struct SourcePosition: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A webhook source: one URL, `POST /hooks/<name>`, with how to verify its deliveries.
public struct SourceDefinition: Sendable, Hashable {
    public var name: String
    public var forge: Forge
    /// HMAC secrets (GitHub, Gitea, Forgejo, Bitbucket); several during rotation.
    public var secrets: [SecretReference]
    /// GitLab `X-Gitlab-Token` values; several during rotation.
    public var tokens: [SecretReference]
    /// GitLab signing tokens (`whsec_…`, Standard Webhooks); when set, unsigned deliveries are refused.
    public var signingSecrets: [SecretReference]
    /// GitHub only: also accept the legacy SHA-1 `X-Hub-Signature` when no SHA-256 signature is sent.
    public var allowSHA1: Bool
    /// Accept unverified deliveries (no secret configured). Refused unless explicitly set.
    public var insecure: Bool
    /// Repository allow-list (globs over the full name); empty allows all.
    public var repositories: [String] {
        didSet { repositoryPatterns = PatternList(repositories) }
    }
    /// `repositories`, compiled (kept in step with it).
    public private(set) var repositoryPatterns: PatternList
    /// `recover:`: where its hook lives, so missed deliveries are found in the forge's log (nil: not recovered).
    public var recover: RecoverSettings?
    public var position: SourcePosition

    public init(
        name: String, forge: Forge, secrets: [SecretReference] = [], tokens: [SecretReference] = [],
        signingSecrets: [SecretReference] = [], allowSHA1: Bool = false, insecure: Bool = false, repositories: [String] = [],
        position: SourcePosition
    ) {
        self.name = name
        self.forge = forge
        self.secrets = secrets
        self.tokens = tokens
        self.signingSecrets = signingSecrets
        self.allowSHA1 = allowSHA1
        self.insecure = insecure
        self.repositories = repositories
        self.repositoryPatterns = PatternList(repositories)
        self.position = position
    }
}

/// A deployment target: a provider and its settings.
public struct TargetDefinition: Sendable, Hashable {
    public var name: String
    /// `aws-apigateway`, `aws-codedeploy`, `aliyun-apigateway`, `pulumi` or `command`.
    public var provider: String
    /// Every key of the target except `provider`, as written (templates unrendered).
    public var parameters: [String: ConfigValue]
    public var position: SourcePosition

    public init(name: String, provider: String, parameters: [String: ConfigValue], position: SourcePosition) {
        self.name = name
        self.provider = provider
        self.parameters = parameters
        self.position = position
    }
}

/// A deploy entry of a rule: a target and the keys that refine it for this rule.
public struct StepDefinition: Sendable, Hashable {
    public var target: String
    /// Every key of the entry except `target` (templates unrendered).
    public var parameters: [String: ConfigValue]
    public var position: SourcePosition

    public init(target: String, parameters: [String: ConfigValue], position: SourcePosition) {
        self.target = target
        self.parameters = parameters
        self.position = position
    }
}

/// A routing rule: which events of a source deploy what.
public struct Rule: Sendable, Hashable {
    public var name: String
    public var source: String
    /// `push` (branch updates) or `tag` (tag pushes).
    public var on: RefKind
    /// Branch globs (`on: push`); `!x` excludes; empty matches every branch.
    public var branches: [String] {
        didSet { branchPatterns = PatternList(branches) }
    }
    /// Tag globs (`on: tag`); `!x` excludes; empty matches every tag.
    public var tags: [String] {
        didSet { tagPatterns = PatternList(tags) }
    }
    /// Changed-path globs; `!x` excludes; empty means no path filter.
    public var paths: [String] {
        didSet { pathPatterns = PatternList(paths) }
    }
    /// Repository globs over the full name; empty matches every repository of the source.
    public var repositories: [String] {
        didSet { repositoryPatterns = PatternList(repositories) }
    }
    /// `branches`, compiled (kept in step with it, so matching a webhook compiles nothing).
    public private(set) var branchPatterns: PatternList
    /// `tags`, compiled.
    public private(set) var tagPatterns: PatternList
    /// `paths`, compiled.
    public private(set) var pathPatterns: PatternList
    /// `repositories`, compiled.
    public private(set) var repositoryPatterns: PatternList
    /// The environment of its runs: a name (`staging`) or a template over the event (`review/${branch}`), so each
    /// branch's runs have an environment of their own and never supersede another branch's.
    public var environment: String? {
        didSet { environmentTemplate = environment.flatMap(Self.template) }
    }
    /// `environment`, parsed when it is a template (kept in step with it).
    public private(set) var environmentTemplate: Template?
    /// How its runs are shown on the forge (`report:`); nil: the forge's default (`StatusForge.defaultMode`).
    public var report: ReportMode?
    /// Where the environment is reached (`environment_url:`, a template), shown with GitHub deployments and as a
    /// commit status's link.
    public var environmentURL: String? {
        didSet { environmentURLTemplate = environmentURL.flatMap { try? Template($0) } }
    }
    /// `environmentURL`, parsed (kept in step with it, so planning a run parses nothing).
    public private(set) var environmentURLTemplate: Template?
    /// GitHub `production_environment` / `transient_environment` (`production_environment:`, `transient_environment:`).
    public var productionEnvironment: Bool?
    public var transientEnvironment: Bool?
    public var deploy: [StepDefinition]
    public var position: SourcePosition

    public init(
        name: String, source: String, on: RefKind, branches: [String] = [], tags: [String] = [], paths: [String] = [],
        repositories: [String] = [], environment: String? = nil, report: ReportMode? = nil, environmentURL: String? = nil,
        productionEnvironment: Bool? = nil, transientEnvironment: Bool? = nil, deploy: [StepDefinition], position: SourcePosition
    ) {
        self.name = name
        self.source = source
        self.on = on
        self.branches = branches
        self.tags = tags
        self.paths = paths
        self.repositories = repositories
        self.branchPatterns = PatternList(branches)
        self.tagPatterns = PatternList(tags)
        self.pathPatterns = PatternList(paths)
        self.repositoryPatterns = PatternList(repositories)
        self.environment = environment
        self.environmentTemplate = environment.flatMap(Self.template)
        self.report = report
        self.environmentURL = environmentURL
        self.environmentURLTemplate = environmentURL.flatMap { try? Template($0) }
        self.productionEnvironment = productionEnvironment
        self.transientEnvironment = transientEnvironment
        self.deploy = deploy
        self.position = position
    }

    /// The environment of a run of this rule for `event`: `environment` with its template rendered.
    public func environment(for event: PushEvent) -> String? {
        guard let environmentTemplate else { return environment }
        return environmentTemplate.render(TemplateVariables.make(event: event, rule: name, environment: nil, delivery: "", run: ""))
    }

    private static func template(_ text: String) -> Template? {
        text.contains("$") ? try? Template(text) : nil
    }
}

/// A loaded and validated rules file (or directory of files).
public struct RuleSet: Sendable, Hashable {
    public var sources: [String: SourceDefinition]
    public var status: StatusSettings
    public var targets: [String: TargetDefinition]
    /// Rules in file order (files sorted by name when a directory is loaded).
    public var rules: [Rule]
    /// The files it was loaded from.
    public var files: [String]

    public init(
        sources: [String: SourceDefinition], status: StatusSettings, targets: [String: TargetDefinition], rules: [Rule],
        files: [String]
    ) {
        self.sources = sources
        self.status = status
        self.targets = targets
        self.rules = rules
        self.files = files
    }
}
