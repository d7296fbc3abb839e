import Foundation

/// A run's state as a forge's deployment status.
public enum ForgeDeploymentStatus: String, Sendable, Hashable, Codable {
    case running
    case success
    case failed
    case canceled
}

/// One status change of a run, to report to the forge of its source.
public struct StatusUpdate: Sendable, Hashable, Codable {
    public var runID: Int64
    /// The forge's project id (GitLab `project_id`) or, failing that, the URL-encodable full path.
    public var project: String
    public var environment: String
    /// The deployed commit.
    public var sha: String
    /// Branch or tag name (not the full ref).
    public var ref: String
    public var tag: Bool
    public var status: ForgeDeploymentStatus
    /// The forge's id for this run's deployment, once created (GitLab deployment id).
    public var deploymentID: String?
    /// When the update was asked for (the outbox row's time: for `running`, when the run started). A deployment the
    /// forge shows as created since then, for the same environment, sha and ref, may be this update's own, created by
    /// an attempt whose answer was lost; the reporter continues with it rather than create a second one.
    public var requestedAt: Date?

    public init(
        runID: Int64, project: String, environment: String, sha: String, ref: String, tag: Bool, status: ForgeDeploymentStatus,
        deploymentID: String? = nil, requestedAt: Date? = nil
    ) {
        self.runID = runID
        self.project = project
        self.environment = environment
        self.sha = sha
        self.ref = ref
        self.tag = tag
        self.status = status
        self.deploymentID = deploymentID
        self.requestedAt = requestedAt
    }
}

/// Reports run status to a forge (GitLab's Deployments API first).
public protocol StatusReporter: Sendable {
    /// Sends `update`: creates the forge's deployment when `update.deploymentID` is nil (or continues with the one an
    /// earlier attempt created, when its answer was lost), else updates it.
    /// Returns the forge's deployment id. Errors are classified like provider errors (429/5xx/network retryable).
    func report(_ update: StatusUpdate) async throws(ProviderError) -> String
}
