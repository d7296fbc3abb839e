/// A run's status in GitHub's words.
public enum GitHubStates {
    /// A deployment status `state`: `inactive` for a run canceled or superseded (it never deployed, or stopped).
    public static func deployment(_ status: ForgeDeploymentStatus) -> String {
        switch status {
        case .queued: "queued"
        case .running: "in_progress"
        case .success: "success"
        case .failed: "failure"
        case .canceled, .superseded: "inactive"
        }
    }

    /// A commit status `state`: pending until the run ends; `error` when it was canceled or superseded (GitHub has no
    /// neutral state, and a commit left pending forever would block merges that require the check).
    public static func commit(_ status: ForgeDeploymentStatus) -> String {
        switch status {
        case .queued, .running: "pending"
        case .success: "success"
        case .failed: "failure"
        case .canceled, .superseded: "error"
        }
    }
}

/// A run's status in Gitea's and Forgejo's words: as GitHub's commit statuses, with `warning` for a run canceled or
/// superseded.
public enum GiteaStates {
    public static func commit(_ status: ForgeDeploymentStatus) -> String {
        switch status {
        case .queued, .running: "pending"
        case .success: "success"
        case .failed: "failure"
        case .canceled, .superseded: "warning"
        }
    }
}

/// A run's status as a Bitbucket Cloud build status `state`.
public enum BitbucketStates {
    public static func build(_ status: ForgeDeploymentStatus) -> String {
        switch status {
        case .queued, .running: "INPROGRESS"
        case .success: "SUCCESSFUL"
        case .failed: "FAILED"
        case .canceled, .superseded: "STOPPED"
        }
    }
}

/// The names a run's commit status goes by: stable per rule (and environment), so a newer run's status replaces the
/// older one's.
public enum StatusContext {
    /// GitHub, Gitea and Forgejo `context`: `gitops-bridge/<rule>`.
    public static func name(rule: String) -> String {
        "gitops-bridge/\(rule)"
    }

    /// Bitbucket `key` (at most 40 characters): `gitops-bridge-<rule>-<environment>`, or, when longer, a prefix of it
    /// and a digest of the whole, so two rules never share one.
    public static func key(rule: String, environment: String) -> String {
        let whole = "gitops-bridge-\(rule)" + (environment.isEmpty ? "" : "-\(environment)")
        guard whole.utf8.count > 40 else { return whole }
        let digest = Digest.sha256Hex(Array(whole.utf8)).prefix(12)
        return String(whole.prefix(27)) + "-" + digest
    }
}
