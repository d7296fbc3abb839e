import BridgeCore
import Foundation
import NIOHTTP1

/// Reports runs as GitHub Deployments (reporter kind `github-deployment`): one deployment per run in the rule's
/// environment, moved through deployment statuses `queued` → `in_progress` → `success` / `failure`, or `inactive` for
/// a run canceled or superseded (`GitHubStates.deployment`).
///
/// https://docs.github.com/en/rest/deployments/deployments — `POST /repos/{owner}/{repo}/deployments` with the
/// commit's sha as `ref`, `auto_merge: false` (else GitHub may merge the default branch into the ref and answer 202
/// instead of deploying) and `required_contexts: []` (else the commit's own pending status, the bridge's included,
/// makes the create fail with 409). Its `payload` marks the deployment with the run and the outbox row
/// (`{"gitops_bridge": {"run", "rule", "request"}}`), so a create whose answer was lost is found again
/// (`existingDeployment`) instead of made twice. Then
/// https://docs.github.com/en/rest/deployments/statuses — `POST …/deployments/{id}/statuses`.
public struct GitHubDeploymentReporter: StatusReporter {
    /// Its `StatusReporterKind` name.
    public static let kind = "github-deployment"

    let client: GitHubClient

    /// A reporter sending through `client` (shared with the commit-status reporter of the same `status.github`).
    public init(client: GitHubClient) {
        self.client = client
    }

    /// Creates the run's deployment for `queued`, or for any status when `update.deploymentID` is nil (unless an
    /// earlier attempt of the same update created it), then posts the status; returns the deployment's id.
    public func report(_ update: StatusUpdate) async throws(ProviderError) -> String? {
        guard !update.environment.isEmpty else {
            throw .permanent("a GitHub deployment needs an environment; the rule \(update.rule) names none (report a commit status instead)")
        }
        let repository = try GitHubTransport.repositoryPath(update.repository)
        let deploymentID: String
        if update.status != .queued, let known = update.deploymentID {
            deploymentID = known
        } else if let existing = try await existingDeployment(of: update) {
            deploymentID = existing
        } else {
            deploymentID = try await create(update, repository: repository)
        }
        let path = "\(repository)/deployments/\(GitHubTransport.encoded(deploymentID))/statuses"
        _ = try await client.send(.POST, path, repository: update.repository, body: Self.statusBody(update), expecting: [201])
        return deploymentID
    }

    /// `POST /repos/{owner}/{repo}/deployments`; a 202 (GitHub merged or tried to merge instead) is a permanent error
    /// with GitHub's message.
    private func create(_ update: StatusUpdate, repository: String) async throws(ProviderError) -> String {
        let answer = try await client.send(
            .POST, "\(repository)/deployments", repository: update.repository, body: Self.createBody(update), expecting: [201])
        guard let id = answer.json?["id"].flatMap(GitHubTransport.identifier) else {
            throw .permanent("GitHub \(answer.status): the answer has no deployment id; is \(client.transport.shownRoot) a GitHub API?")
        }
        return id
    }

    static func createBody(_ update: StatusUpdate) -> ConfigValue {
        var marker: [String: ConfigValue] = ["run": .int(Int(update.runID)), "rule": .string(update.rule)]
        if let requestID = update.requestID { marker["request"] = .int(Int(requestID)) }
        var body: [String: ConfigValue] = [
            "ref": .string(update.sha), "environment": .string(update.environment), "auto_merge": .bool(false),
            "required_contexts": .array([]), "description": .string(update.summary),
            "payload": .object([payloadKey: .object(marker)]),
        ]
        if let production = update.production { body["production_environment"] = .bool(production) }
        if let transient = update.transient { body["transient_environment"] = .bool(transient) }
        return .object(body)
    }

    /// The deployment status: GitHub's `auto_inactive` default stands, so a newer success marks older deployments of
    /// the environment inactive.
    static func statusBody(_ update: StatusUpdate) -> ConfigValue {
        var body: [String: ConfigValue] = [
            "state": .string(GitHubStates.deployment(update.status)), "description": .string(update.summary),
        ]
        if let url = update.environmentURL { body["environment_url"] = .string(url) }
        if let url = update.logURL { body["log_url"] = .string(url) }
        return .object(body)
    }

    /// The key of the bridge's own part of a deployment's `payload`.
    static let payloadKey = "gitops_bridge"

}
