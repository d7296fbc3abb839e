/// Which run status changes the forge is told about, so it is never shown an illegal transition.
public enum StatusOutboxPolicy {
    /// The reporter that tells `forge` (the outbox row's `reporter`); nil when none does yet.
    public static func reporter(for forge: Forge) -> String? {
        switch forge {
        case .gitlab: Forge.gitlab.rawValue
        case .github, .gitea, .forgejo, .bitbucket: nil
        }
    }

    /// `status` when the run's forge is to be told it now, else nil: its forge has a reporter, its rule names an
    /// environment (GitLab deployments belong to one), and `mayFollow` allows the move.
    public static func report(_ status: ForgeDeploymentStatus, for run: RunState) -> ForgeDeploymentStatus? {
        guard reporter(for: run.forge) != nil, run.environment != nil, mayFollow(status, after: run.reported) else { return nil }
        return status
    }

    /// GitLab's deployment state machine as the outbox drives it: `running` starts a new deployment, so it may follow
    /// nothing or a terminal status (a retried run) but never `running`; a terminal status ends the deployment that
    /// `running` started, so it follows only `running`. A run the forge never saw as running (canceled or superseded
    /// while queued) gets nothing.
    public static func mayFollow(_ status: ForgeDeploymentStatus, after reported: ForgeDeploymentStatus?) -> Bool {
        switch status {
        case .running: reported != .running
        case .success, .failed, .canceled: reported == .running
        }
    }
}
