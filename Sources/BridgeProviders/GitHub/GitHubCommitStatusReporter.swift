import BridgeCore
import Foundation
import NIOHTTP1

/// Reports runs as commit statuses (reporter kind `github-status`): one status per rule on the deployed commit,
/// context `gitops-bridge/<rule>`, `pending` while the run is queued or running, then `success`, `failure`, or `error`
/// for a run canceled or superseded (`GitHubStates.commit`).
///
/// https://docs.github.com/en/rest/commits/statuses — `POST /repos/{owner}/{repo}/statuses/{sha}` with `state`,
/// `context`, `description` and `target_url` (the run's page, else the environment's address). A later status of the
/// same context replaces the earlier one on the commit, so every update is one call and nothing is looked up first.
public struct GitHubCommitStatusReporter: StatusReporter {
    /// Its `StatusReporterKind` name.
    public static let kind = "github-status"

    let client: GitHubClient

    /// A reporter sending through `client` (shared with the deployment reporter of the same `status.github`).
    public init(client: GitHubClient) {
        self.client = client
    }

    /// Posts the status; commit statuses have no id worth keeping, so it returns nil.
    public func report(_ update: StatusUpdate) async throws(ProviderError) -> String? {
        let path = try GitHubTransport.repositoryPath(update.repository) + "/statuses/\(GitHubTransport.encoded(update.sha))"
        _ = try await client.send(.POST, path, repository: update.repository, body: Self.body(update), expecting: [201])
        return nil
    }

    static func body(_ update: StatusUpdate) -> ConfigValue {
        var body: [String: ConfigValue] = [
            "state": .string(GitHubStates.commit(update.status)), "context": .string(StatusContext.name(rule: update.rule)),
            "description": .string(update.summary),
        ]
        if let target = update.logURL ?? update.environmentURL { body["target_url"] = .string(target) }
        return .object(body)
    }
}
