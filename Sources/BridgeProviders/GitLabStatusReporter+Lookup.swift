import BridgeCore
import Foundation
import NIOHTTP1

extension GitLabStatusReporter {
    /// How far before `StatusUpdate.requestedAt` to look, for a GitLab clock behind the bridge's.
    static let clockAllowance: TimeInterval = 300

    /// The `running` deployment an earlier attempt of `update` created, when its answer was lost (a timeout, a crash
    /// before the id was recorded): GitLab's newest deployment of the update's environment that is `running`, of the
    /// same sha and ref, and updated since the update was requested (less `clockAllowance`). Nil for other updates, or
    /// when there is none.
    ///
    /// `GET /projects/:id/deployments?environment=…&status=running&updated_after=…&order_by=updated_at&sort=desc`:
    /// GitLab wants an `updated_after` filter paired with `order_by=updated_at` (`DeploymentsFinder`).
    func existingDeployment(of update: StatusUpdate) async throws(ProviderError) -> String? {
        guard update.status == .running, let requestedAt = update.requestedAt else { return nil }
        let formatter = ISO8601DateFormatter()
        let since = formatter.string(from: requestedAt.addingTimeInterval(-Self.clockAllowance))
        let query = [
            ("environment", update.environment), ("status", "running"), ("updated_after", since), ("order_by", "updated_at"),
            ("sort", "desc"), ("per_page", "100"),
        ].map { "\($0.0)=\(Self.pathSegment($0.1))" }.joined(separator: "&")
        let answer = try await send(.GET, url: "\(apiRoot)/projects/\(Self.pathSegment(update.project))/deployments?\(query)")
        guard (200..<300).contains(answer.status) else { throw failure(answer) }
        guard let listed = try? JSONDecoder().decode([ListedDeployment].self, from: Data(answer.body)) else {
            throw .permanent(redacted("GitLab \(answer.status): the list of deployments is not one; is \(shownRoot) a GitLab API?"))
        }
        let match = listed.first {
            $0.sha == update.sha && $0.ref == update.ref && $0.status == "running" && $0.environment?.name ?? update.environment == update.environment
        }
        return match.map { String($0.id) }
    }
}

/// The part of GitLab's Deployment entity a lookup compares.
private struct ListedDeployment: Decodable {
    struct Environment: Decodable {
        var name: String
    }

    var id: Int64
    var sha: String
    var ref: String
    var status: String
    var environment: Environment?
}
