import Foundation

/// A run's status as its forge is told it: one event of the run's life, in order.
///
/// Raw values are stored (outbox rows, `runs.last_reported`): never rename one.
public enum ForgeDeploymentStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// The run is recorded and waits for a worker (GitHub `queued`, commit status `pending`).
    case queued
    /// The run started (GitLab `running`, GitHub `in_progress`).
    case running
    case success
    case failed
    case canceled
    /// A newer run of the same rule and environment took its place before it started (GitHub `inactive`).
    case superseded

    /// Whether the run's deployment ended with it.
    public var isTerminal: Bool {
        switch self {
        case .queued, .running: false
        case .success, .failed, .canceled, .superseded: true
        }
    }
}

/// One status change of a run, to report to the forge of its source.
public struct StatusUpdate: Sendable, Hashable, Codable {
    public var runID: Int64
    /// The forge's project id (GitLab `project_id`) or, failing that, the URL-encodable full path.
    public var project: String
    /// The repository's full name (`owner/repo`; Bitbucket `workspace/repo_slug`).
    public var repository: String
    /// The rule that made the run (commit status contexts and keys are per rule).
    public var rule: String
    /// The rule's environment ("" when it names none: only commit statuses are sent then).
    public var environment: String
    /// The deployed commit.
    public var sha: String
    /// Branch or tag name (not the full ref).
    public var ref: String
    public var tag: Bool
    public var status: ForgeDeploymentStatus
    /// The forge's id for this run's deployment, once created (GitLab or GitHub deployment id).
    public var deploymentID: String?
    /// When the update was asked for (the outbox row's time: for `running`, when the run started). A deployment the
    /// forge shows as created since then, for the same environment, sha and ref, may be this update's own, created by
    /// an attempt whose answer was lost; the reporter continues with it rather than create a second one.
    public var requestedAt: Date?
    /// The outbox row's id: unique per update, so a reporter can mark what it creates and find it again.
    public var requestID: Int64?
    /// Where the deployed environment is reached (`environment_url` of the rule, rendered).
    public var environmentURL: String?
    /// The run's page, when the bridge knows its public address (`--dashboard-url`).
    public var logURL: String?
    /// GitHub `production_environment` / `transient_environment`, when the rule says.
    public var production: Bool?
    public var transient: Bool?
    /// Why the run ended so (the failed step's error), when it did not succeed.
    public var detail: String?

    public init(
        runID: Int64, project: String, repository: String? = nil, rule: String = "", environment: String, sha: String, ref: String,
        tag: Bool, status: ForgeDeploymentStatus, deploymentID: String? = nil, requestedAt: Date? = nil, requestID: Int64? = nil,
        environmentURL: String? = nil, logURL: String? = nil, production: Bool? = nil, transient: Bool? = nil, detail: String? = nil
    ) {
        self.runID = runID
        self.project = project
        self.repository = repository ?? project
        self.rule = rule
        self.environment = environment
        self.sha = sha
        self.ref = ref
        self.tag = tag
        self.status = status
        self.deploymentID = deploymentID
        self.requestedAt = requestedAt
        self.requestID = requestID
        self.environmentURL = environmentURL
        self.logURL = logURL
        self.production = production
        self.transient = transient
        self.detail = detail
    }

    /// Rows stored before these fields existed decode with their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        runID = try container.decode(Int64.self, forKey: .runID)
        project = try container.decode(String.self, forKey: .project)
        repository = try container.decodeIfPresent(String.self, forKey: .repository) ?? project
        rule = try container.decodeIfPresent(String.self, forKey: .rule) ?? ""
        environment = try container.decodeIfPresent(String.self, forKey: .environment) ?? ""
        sha = try container.decode(String.self, forKey: .sha)
        ref = try container.decode(String.self, forKey: .ref)
        tag = try container.decode(Bool.self, forKey: .tag)
        status = try container.decode(ForgeDeploymentStatus.self, forKey: .status)
        deploymentID = try container.decodeIfPresent(String.self, forKey: .deploymentID)
        requestedAt = try container.decodeIfPresent(Date.self, forKey: .requestedAt)
        requestID = try container.decodeIfPresent(Int64.self, forKey: .requestID)
        environmentURL = try container.decodeIfPresent(String.self, forKey: .environmentURL)
        logURL = try container.decodeIfPresent(String.self, forKey: .logURL)
        production = try container.decodeIfPresent(Bool.self, forKey: .production)
        transient = try container.decodeIfPresent(Bool.self, forKey: .transient)
        detail = try container.decodeIfPresent(String.self, forKey: .detail)
    }

    /// A one-line description of the update for the forge (GitHub allows 140 characters).
    public var summary: String {
        let text: String
        switch status {
        case .queued: text = "queued: \(rule)"
        case .running: text = "deploying: \(rule)"
        case .success: text = "deployed: \(rule)"
        case .failed: text = "failed: \(rule)" + (detail.map { ": \($0)" } ?? "")
        case .canceled: text = "canceled: \(rule)"
        case .superseded: text = "superseded by a newer run of \(rule)"
        }
        return text.count <= 140 ? text : String(text.prefix(139)) + "…"
    }
}

/// Reports run status to a forge: one reporter per way of telling it (`StatusReporterKind`).
public protocol StatusReporter: Sendable {
    /// Sends `update`. A reporter of deployments creates the forge's deployment when `update.deploymentID` is nil and
    /// the update starts one (or continues with the one an earlier attempt created, when its answer was lost), else
    /// updates it, and returns the deployment's id; a reporter of commit statuses returns nil.
    /// Errors are classified like provider errors (429/5xx/network retryable, rate limits waited out).
    func report(_ update: StatusUpdate) async throws(ProviderError) -> String?
}
