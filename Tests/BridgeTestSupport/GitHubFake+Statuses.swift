import BridgeCore
import Foundation

/// Commit statuses (https://docs.github.com/en/rest/commits/statuses), and the JSON entities of every resource.
extension GitHubFake {
    static let commitStates: Set<String> = ["error", "failure", "pending", "success"]

    /// `POST /repos/{o}/{r}/statuses/{sha}`.
    func createCommitStatus(repository: String, sha: String, body: [String: ConfigValue], state: inout GitHubFakeState) -> FakeAnswer {
        guard let stateName = body["state"]?.stringValue else { return Self.message(422, "Invalid request.\n\n\"state\" wasn't supplied.") }
        guard Self.commitStates.contains(stateName) else {
            return Self.validationFailed(resource: "Status", field: "state", code: "custom", message: "State is not included in the list")
        }
        if let refs, !Set(refs.values).contains(sha) { return Self.message(422, "No commit found for SHA: \(sha)") }
        let status = CommitStatus(
            id: state.takeStatusID(), state: stateName, context: body["context"]?.stringValue ?? "default",
            description: body["description"]?.stringValue, targetURL: body["target_url"]?.stringValue, createdAt: now())
        state.commitStatuses[GitHubFakeState.statusKey(repository: repository, sha: sha), default: []].append(status)
        return .json(201, commitStatusEntity(status, repository: repository, sha: sha))
    }

    /// `GET /repos/{o}/{r}/commits/{ref}/statuses`, newest first.
    func listCommitStatuses(repository: String, ref: String, state: GitHubFakeState) -> FakeAnswer {
        let sha = refs?[ref] ?? ref
        let statuses = state.commitStatuses[GitHubFakeState.statusKey(repository: repository, sha: sha)] ?? []
        return .json(200, .array(statuses.reversed().map { commitStatusEntity($0, repository: repository, sha: sha) }))
    }

    /// The fields of GitHub's deployment object a client can rely on.
    func entity(_ deployment: Deployment) -> ConfigValue {
        let url = "\(baseURL)/repos/\(deployment.repository)/deployments/\(deployment.id)"
        return .object([
            "url": .string(url), "id": .int(deployment.id), "node_id": .string("DE_fake\(deployment.id)"), "sha": .string(deployment.sha),
            "ref": .string(deployment.ref), "task": .string(deployment.task), "payload": deployment.payload,
            "original_environment": .string(deployment.originalEnvironment), "environment": .string(deployment.environment),
            "description": deployment.description.map(ConfigValue.string) ?? .null, "creator": Self.creator,
            "created_at": .string(Self.timestamp(deployment.createdAt)), "updated_at": .string(Self.timestamp(deployment.updatedAt)),
            "statuses_url": .string("\(url)/statuses"), "repository_url": .string("\(baseURL)/repos/\(deployment.repository)"),
            "transient_environment": .bool(deployment.transientEnvironment),
            "production_environment": .bool(deployment.productionEnvironment),
        ])
    }

    func statusEntity(_ status: DeploymentStatus, of deployment: Deployment) -> ConfigValue {
        let deploymentURL = "\(baseURL)/repos/\(deployment.repository)/deployments/\(deployment.id)"
        return .object([
            "url": .string("\(deploymentURL)/statuses/\(status.id)"), "id": .int(status.id), "node_id": .string("DES_fake\(status.id)"),
            "state": .string(status.state), "creator": Self.creator, "description": .string(status.description),
            "environment": .string(status.environment), "target_url": .string(status.targetURL), "log_url": .string(status.logURL),
            "environment_url": .string(status.environmentURL), "created_at": .string(Self.timestamp(status.createdAt)),
            "updated_at": .string(Self.timestamp(status.createdAt)), "deployment_url": .string(deploymentURL),
            "repository_url": .string("\(baseURL)/repos/\(deployment.repository)"),
        ])
    }

    func commitStatusEntity(_ status: CommitStatus, repository: String, sha: String) -> ConfigValue {
        .object([
            "url": .string("\(baseURL)/repos/\(repository)/statuses/\(sha)"), "id": .int(status.id), "node_id": .string("SC_fake\(status.id)"),
            "state": .string(status.state), "context": .string(status.context),
            "description": status.description.map(ConfigValue.string) ?? .null,
            "target_url": status.targetURL.map(ConfigValue.string) ?? .null, "creator": Self.creator,
            "created_at": .string(Self.timestamp(status.createdAt)), "updated_at": .string(Self.timestamp(status.createdAt)),
        ])
    }

    static let creator: ConfigValue = .object(["login": "gitops-bridge[bot]", "id": 1, "type": "Bot"])
}
