import AsyncHTTPClient
import BridgeCore
import Foundation
import Synchronization

/// The `aws-codedeploy` provider: starts a deployment with CodeDeploy's `CreateDeployment`, polls it with
/// `GetDeployment` until it ends, and stops it with `StopDeployment` (`CodeDeployRequest` says which keys become
/// which fields).
///
/// Statuses: `Created`, `Queued`, `InProgress`, `Baking` and `Ready` (blue/green, waiting to reroute) are in progress,
/// with the instance counts logged whenever they change; `Succeeded` succeeds; `Failed` fails with CodeDeploy's
/// `errorInformation` (`HEALTH_CONSTRAINTS: …`); `Stopped` is canceled when it was requested (`MANUAL_STOP`) and fails
/// otherwise (`ALARM_ACTIVE`, a rollback). The worker's step `timeout` ends one that never finishes, through `cancel`.
/// Errors keep AWS's code and message:
/// `DeploymentLimitExceededException` (the group is busy with another deployment) is retryable after 30 s or the
/// answer's `Retry-After`; throttling, 5xx and network trouble are retryable; anything else is permanent.
public struct CodeDeployDeployer: Deployer {
    /// How long to wait when the deployment group is busy: deployments of a group run one at a time.
    static let busyGroupWait = Duration.seconds(30)

    private let client: AWSClient
    /// The last progress line logged per deployment, so each poll logs only what changed.
    private let progressLines = ProgressLines()

    /// A provider signing with credentials from `credentials`, sending with `httpClient`; `now` dates signatures.
    public init(
        credentials: any AWSCredentialsProvider, httpClient: ProviderHTTPClient, timeout: Duration = .seconds(30),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        client = AWSClient(credentials: credentials, httpClient: httpClient, timeout: timeout, now: now)
    }

    /// Creates the deployment; CodeDeploy's deployment id is the external id, and the status is in progress.
    public func start(_ calls: CodeDeployRequest, step: DeploymentRequest, journal: any StepJournal) async throws(ProviderError) -> DeploymentStart {
        let answer = try await client.call(calls.createDeployment, to: calls.target, classify: Self.classify)
        guard let id = answer.json?["deploymentId"]?.stringValue, !id.isEmpty else {
            throw .permanent(
                "codedeploy CreateDeployment answered \(answer.status) without a deployment id; is \(calls.target.endpoint) CodeDeploy?")
        }
        let group = [calls.createBody["applicationName"], calls.createBody["deploymentGroupName"]].compactMap { $0?.stringValue }
        return DeploymentStart(
            externalID: id, status: .inProgress, log: "deployment \(id) created in \(group.joined(separator: "/"))\n")
    }

    /// Reads the deployment's status with `GetDeployment`.
    public func poll(_ calls: CodeDeployRequest, externalID: String, step: DeploymentRequest) async throws(ProviderError) -> DeploymentProgress {
        let answer = try await client.call(calls.getDeployment(id: externalID), to: calls.target, classify: Self.classify)
        guard let info = answer.json?["deploymentInfo"], let snapshot = DeploymentSnapshot(info) else {
            throw .permanent("codedeploy GetDeployment answered \(answer.status) without deploymentInfo.status for \(externalID)")
        }
        let status = snapshot.deploymentStatus
        let line = snapshot.progressLine(id: externalID)
        let changed = progressLines.replace(externalID, with: status.isTerminal ? nil : line)
        var log = changed || status.isTerminal ? line + "\n" : ""
        if status.isTerminal, let rollback = snapshot.rollbackLine { log += rollback + "\n" }
        return DeploymentProgress(status: status, log: log)
    }

    /// Stops the deployment with `StopDeployment`, asking for a rollback only when the target's `auto_rollback` is enabled
    /// for `DEPLOYMENT_STOP_ON_REQUEST` (`CodeDeployRequest.autoRollbackEnabled`).
    /// A deployment that has already ended has nothing to stop and is not an error.
    public func cancel(_ calls: CodeDeployRequest, externalID: String, step: DeploymentRequest) async throws(ProviderError) {
        _ = try await client.call(calls.stopDeployment(id: externalID), to: calls.target) { error in
            error.code == "DeploymentAlreadyCompletedException" ? nil : Self.classify(error)
        }
    }

    static func classify(_ error: AWSError) -> ProviderError {
        if error.code == "DeploymentLimitExceededException" {
            return .retryable(error.description, retryAfter: error.retryAfter ?? busyGroupWait)
        }
        if error.isThrottling || error.isTransient { return .retryable(error.description, retryAfter: error.retryAfter) }
        return .permanent(error.description)
    }
}

/// The last progress line per deployment, shared by the copies of a `CodeDeployDeployer`. Entries go when their
/// deployment ends, so it holds only the deployments in progress.
private final class ProgressLines: Sendable {
    private let lines = Mutex<[String: String]>([:])

    /// Records `line` (nil forgets the deployment) and says whether it differs from the one recorded before.
    func replace(_ id: String, with line: String?) -> Bool {
        lines.withLock { lines in
            let previous = lines[id]
            lines[id] = line
            return previous != line
        }
    }
}
