import BridgeCore
import Foundation
import NIOHTTP1

extension GitHubDeploymentReporter {
    /// The deployment an earlier attempt of `update` created, when that attempt's answer was lost (a timeout, a crash
    /// before the id was recorded): the one of the update's sha and environment whose payload carries the update's
    /// outbox row (`payload.gitops_bridge.request`). Nil when there is none, or when the update has no row id to
    /// recognise it by.
    ///
    /// `GET /repos/{owner}/{repo}/deployments?sha=…&environment=…&per_page=100`, newest first: one page is enough, as
    /// only the runs of one commit in one environment are listed.
    func existingDeployment(of update: StatusUpdate) async throws(ProviderError) -> String? {
        guard let requestID = update.requestID else { return nil }
        let query = [("sha", update.sha), ("environment", update.environment), ("per_page", "100")]
            .map { "\($0.0)=\(GitHubTransport.encoded($0.1))" }.joined(separator: "&")
        let path = try GitHubTransport.repositoryPath(update.repository) + "/deployments?\(query)"
        let answer = try await client.send(.GET, path, repository: update.repository, expecting: [200])
        guard case .array(let deployments)? = answer.json else {
            throw .permanent("GitHub \(answer.status): the list of deployments is not one; is \(client.transport.shownRoot) a GitHub API?")
        }
        let match = deployments.first { Self.marker(of: $0)?["request"] == .int(Int(requestID)) }
        return match?["id"].flatMap(GitHubTransport.identifier)
    }

    /// The bridge's part of a listed deployment's payload. GitHub returns a payload sent as an object as an object,
    /// and one sent as a string as that string: both are read.
    static func marker(of deployment: ConfigValue) -> ConfigValue? {
        switch deployment["payload"] {
        case .object(let members)?: return members[payloadKey]
        case .string(let text)?: return (try? JSONDecoder().decode(ConfigValue.self, from: Data(text.utf8)))?[payloadKey]
        default: return nil
        }
    }
}
