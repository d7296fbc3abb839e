/// A forge's `status.<forge>` block, as the rules loader reads it, and the reporters it enables.
///
/// Adding a forge's status reporting is one value in `all` (and its client in BridgeProviders' `StatusReporters`).
public struct StatusForge: Sendable {
    public var forge: Forge
    /// The API's base URL when the block has none (nil: `url` is required).
    public var defaultURL: String?
    /// Keys the block may have besides `url`.
    public var keys: Set<String>
    /// Which credentials it needs, as alternatives of keys that go together (`[["token"], ["app_id", "private_key"]]`).
    public var credentials: [[String]]
    /// Its reporters: at most one of each `ReportKind`.
    public var reporters: [StatusReporterKind]
    /// What a rule reports when it says nothing: a deployment when it names an environment and the forge shows
    /// deployments, else a commit status when the forge shows those.
    public func defaultMode(hasEnvironment: Bool) -> ReportMode {
        let kinds = Set(reporters.map(\.kind))
        if hasEnvironment && kinds.contains(.deployment) { return .deployment }
        return kinds.contains(.commitStatus) ? .commitStatus : .deployment
    }

    public init(forge: Forge, defaultURL: String?, keys: Set<String>, credentials: [[String]], reporters: [StatusReporterKind]) {
        self.forge = forge
        self.defaultURL = defaultURL
        self.keys = keys
        self.credentials = credentials
        self.reporters = reporters
    }

    public static func named(_ forge: Forge) -> StatusForge? {
        all.first { $0.forge == forge }
    }

    /// Every forge the bridge reports to.
    public static let all: [StatusForge] = [gitlab, github, gitea(.gitea), gitea(.forgejo), bitbucket]

    static let gitlab = StatusForge(
        forge: .gitlab, defaultURL: nil, keys: ["token"], credentials: [["token"]],
        reporters: [
            StatusReporterKind(name: "gitlab", forge: .gitlab, kind: .deployment, announcesQueue: false) { update, settings in
                let project = "\(settings.url)/api/v4/projects/\(update.project)"
                switch update.status {
                case .running: return ["POST \(project)/deployments {environment: \(update.environment), status: running}"]
                case .success, .failed, .canceled: return ["PUT \(project)/deployments/<id> {status: \(update.status.rawValue)}"]
                case .queued, .superseded: return []
                }
            }
        ])

    static let github = StatusForge(
        forge: .github, defaultURL: "https://api.github.com", keys: ["token", "app_id", "private_key", "installation_id"],
        credentials: [["token"], ["app_id", "private_key"]],
        reporters: [
            StatusReporterKind(name: "github-deployment", forge: .github, kind: .deployment, announcesQueue: true) { update, settings in
                let repository = "\(settings.url)/repos/\(update.repository)"
                let state = GitHubStates.deployment(update.status)
                var calls: [String] = []
                if update.status == .queued {
                    calls.append("POST \(repository)/deployments {ref: \(update.sha), environment: \(update.environment)}")
                }
                calls.append("POST \(repository)/deployments/<id>/statuses {state: \(state)}")
                return calls
            },
            StatusReporterKind(name: "github-status", forge: .github, kind: .commitStatus, announcesQueue: true) { update, settings in
                [
                    "POST \(settings.url)/repos/\(update.repository)/statuses/\(update.sha) "
                        + "{state: \(GitHubStates.commit(update.status)), context: \(StatusContext.name(rule: update.rule))}"
                ]
            },
        ])

    static func gitea(_ forge: Forge) -> StatusForge {
        StatusForge(
            forge: forge, defaultURL: nil, keys: ["token"], credentials: [["token"]],
            reporters: [
                StatusReporterKind(name: forge.rawValue, forge: forge, kind: .commitStatus, announcesQueue: true) { update, settings in
                    [
                        "POST \(settings.url)/api/v1/repos/\(update.repository)/statuses/\(update.sha) "
                            + "{state: \(GiteaStates.commit(update.status)), context: \(StatusContext.name(rule: update.rule))}"
                    ]
                }
            ])
    }

    static let bitbucket = StatusForge(
        forge: .bitbucket, defaultURL: "https://api.bitbucket.org", keys: ["token", "username", "app_password"],
        credentials: [["token"], ["username", "app_password"]],
        reporters: [
            StatusReporterKind(name: "bitbucket", forge: .bitbucket, kind: .commitStatus, announcesQueue: true) { update, settings in
                [
                    "POST \(settings.url)/2.0/repositories/\(update.repository)/commit/\(update.sha)/statuses/build "
                        + "{state: \(BitbucketStates.build(update.status)), key: \(StatusContext.key(rule: update.rule, environment: update.environment))}"
                ]
            }
        ])
}
