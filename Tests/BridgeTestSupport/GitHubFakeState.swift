import BridgeCore
import Foundation

/// Everything the GitHub fake remembers, guarded by its mutex.
struct GitHubFakeState: Sendable {
    var server: RunningServer?
    var faults: [GitHubFake.Fault] = []
    /// Calls whose answer is held back (`loseAnswer(toNext:stall:)`), oldest first.
    var lostAnswers: [(call: GitHubFake.Call, stall: Duration)] = []
    var requests: [GitHubFake.RecordedRequest] = []
    var tokens: [String: GitHubFake.IssuedToken] = [:]
    /// Token values in the order issued.
    var tokenOrder: [String] = []
    var deployments: [Int: GitHubFake.Deployment] = [:]
    /// Commit statuses by lowercased `owner/repo` and sha, oldest first.
    var commitStatuses: [String: [GitHubFake.CommitStatus]] = [:]
    // Ids start far apart so a client that mixes up a deployment's id with a status's fails.
    var nextDeploymentID = 5_000_001
    var nextStatusID = 9_000_001
    var hooks: [Int: GitHubFake.Hook] = [:]
    var nextHookID = 12_000_001
    /// Every hook delivery, oldest first.
    var hookDeliveries: [GitHubFake.HookDeliveryEntry] = []
    var nextHookDeliveryID = 77_000_001

    static func statusKey(repository: String, sha: String) -> String {
        "\(repository.lowercased())@\(sha)"
    }

    /// The commit's latest status of each context, GitHub's combined view.
    func latestCommitStatuses(repository: String, sha: String) -> [String: GitHubFake.CommitStatus] {
        var latest: [String: GitHubFake.CommitStatus] = [:]
        for status in commitStatuses[Self.statusKey(repository: repository, sha: sha)] ?? [] { latest[status.context] = status }
        return latest
    }

    mutating func takeStatusID() -> Int {
        defer { nextStatusID += 1 }
        return nextStatusID
    }

    /// `auto_inactive`: a new `success` marks every earlier deployment of the repository and environment that is
    /// neither transient nor production, and whose latest state is `success`, `inactive`.
    mutating func markEarlierInactive(than deployment: GitHubFake.Deployment, now: Date) {
        for (id, earlier) in deployments
        where id < deployment.id && earlier.repository.lowercased() == deployment.repository.lowercased()
            && earlier.environment == deployment.environment && !earlier.transientEnvironment && !earlier.productionEnvironment
            && earlier.state == "success"
        {
            var updated = earlier
            updated.statuses.append(
                GitHubFake.DeploymentStatus(
                    id: takeStatusID(), state: "inactive", description: "", environment: earlier.environment, environmentURL: "",
                    logURL: "", targetURL: "", automatic: true, createdAt: now))
            updated.updatedAt = now
            deployments[id] = updated
        }
    }
}
