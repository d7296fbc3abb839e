import BridgeCore

/// What the bridge reads of CodeDeploy's `deploymentInfo` (providers.md §2): its status, why it ended, and how many
/// instances are where.
struct DeploymentSnapshot: Sendable {
    /// `deploymentOverview`'s counters, in the order CodeDeploy's console shows them.
    static let overviewKeys = ["Pending", "InProgress", "Succeeded", "Failed", "Skipped", "Ready"]

    var status: String
    var errorCode: String?
    var errorMessage: String?
    /// `(name, count)` for the counters present.
    var overview: [(name: String, count: Int)]
    var rollbackMessage: String?
    var rollbackDeploymentID: String?

    init?(_ info: ConfigValue) {
        guard let status = info["status"]?.stringValue, !status.isEmpty else { return nil }
        self.status = status
        errorCode = info["errorInformation"]?["code"]?.stringValue
        errorMessage = info["errorInformation"]?["message"]?.stringValue.map(AWSError.bounded)
        overview = Self.overviewKeys.compactMap { key in
            guard case .int(let count) = info["deploymentOverview"]?[key] else { return nil }
            return (key, count)
        }
        rollbackMessage = info["rollbackInfo"]?["rollbackMessage"]?.stringValue.map(AWSError.bounded)
        rollbackDeploymentID = info["rollbackInfo"]?["rollbackDeploymentId"]?.stringValue
    }

    /// The bridge's status. An unknown status is taken as still in progress: CodeDeploy's terminal ones are few and
    /// documented, and the worker's own timeout ends a deployment that never finishes (a blue/green one waiting in
    /// `Ready` for a reroute nobody makes).
    ///
    /// `Stopped` is a cancellation only when someone asked for it (`MANUAL_STOP`: `StopDeployment`, from the bridge or
    /// a person); a deployment stopped by CodeDeploy itself (an alarm, `ALARM_ACTIVE`; an automatic rollback; any
    /// other or no reason) failed.
    var deploymentStatus: DeploymentStatus {
        switch status {
        case "Succeeded": .succeeded
        case "Failed": .failed(reason: errorText ?? "the deployment failed")
        case "Stopped" where errorCode == Self.manualStop: .canceled(reason: errorText ?? "the deployment was stopped")
        case "Stopped": .failed(reason: errorText.map { "stopped by CodeDeploy: \($0)" } ?? "stopped by CodeDeploy, which gave no reason")
        default: .inProgress
        }
    }

    /// The error code of a deployment stopped on request (`StopDeployment`, the console's Stop deployment).
    static let manualStop = "MANUAL_STOP"

    /// `HEALTH_CONSTRAINTS: The overall deployment failed because too many individual instances failed deployment`.
    var errorText: String? {
        switch (errorCode, errorMessage) {
        case (let code?, let message?): "\(code): \(message)"
        case (let code?, nil): code
        case (nil, let message?): message
        case (nil, nil): nil
        }
    }

    /// `deployment d-… InProgress: Pending 2, InProgress 1, Succeeded 3, Failed 0, Skipped 0, Ready 0`.
    func progressLine(id: String) -> String {
        let counts = overview.map { "\($0.name) \($0.count)" }.joined(separator: ", ")
        return "deployment \(id) \(status)" + (counts.isEmpty ? "" : ": \(counts)")
    }

    /// What CodeDeploy says about a rollback, when one was started.
    var rollbackLine: String? {
        guard rollbackMessage != nil || rollbackDeploymentID != nil else { return nil }
        let by = rollbackDeploymentID.map { " by \($0)" } ?? ""
        return "rolled back\(by)" + (rollbackMessage.map { ": \($0)" } ?? "")
    }
}
