import Foundation
import ServiceLifecycle

/// Everything the fake remembers, guarded by its mutex.
struct GitLabFakeState: Sendable {
    /// An environment is named per project.
    struct EnvironmentKey: Hashable {
        var projectID: Int
        var name: String
    }

    var server: RunningServer?
    var faults: [GitLabFake.Fault] = []
    /// Requests whose answer is held back (`loseAnswer(toNext:stall:)`), by method, oldest first.
    var lostAnswers: [(method: String, stall: Duration)] = []
    var requests: [GitLabFake.RecordedRequest] = []
    var deployments: [Int: GitLabFake.Deployment] = [:]
    var illegalTransitions: [GitLabFake.IllegalTransition] = []
    var environments: [EnvironmentKey: Int] = [:]
    var lastIID: [Int: Int] = [:]
    // Ids start far apart so a client that confuses a deployment's id with its iid, or with its environment's, fails.
    var nextDeploymentID = 1001
    var nextEnvironmentID = 501
    var hooks: [Int: GitLabFake.Hook] = [:]
    var nextHookID = 3001
    var hookEvents: [GitLabFake.HookEvent] = []
    var nextHookEventID = 880_001

    /// The environment's id, creating it on first use (`find_or_create_by_name`).
    mutating func environmentID(projectID: Int, name: String) -> Int {
        let key = EnvironmentKey(projectID: projectID, name: name)
        if let id = environments[key] { return id }
        defer { nextEnvironmentID += 1 }
        environments[key] = nextEnvironmentID
        return nextEnvironmentID
    }

    /// The environment's `last_deployment`, which a create call with equal ref, tag, sha and status returns again:
    /// its latest *successful* deployment (`has_one :last_deployment, -> { success.ordered }` in
    /// `app/models/environment.rb`), so a second `running` create always makes a second deployment.
    func lastDeployment(projectID: Int, environment: String) -> GitLabFake.Deployment? {
        deployments.values.filter { $0.projectID == projectID && $0.environment == environment && $0.status == .success }
            .max { $0.id < $1.id }
    }

    mutating func insertDeployment(
        projectID: Int, environment: String, sha: String, ref: String, tag: Bool, status: GitLabFake.Status, createdByCI: Bool,
        now: Date
    ) -> Int {
        let id = nextDeploymentID
        nextDeploymentID += 1
        let iid = (lastIID[projectID] ?? 0) + 1
        lastIID[projectID] = iid
        deployments[id] = GitLabFake.Deployment(
            id: id, iid: iid, projectID: projectID, environment: environment,
            environmentID: environmentID(projectID: projectID, name: environment), sha: sha, ref: ref, tag: tag,
            statusHistory: [status], createdByCI: createdByCI, createdAt: now, updatedAt: now)
        return id
    }
}
