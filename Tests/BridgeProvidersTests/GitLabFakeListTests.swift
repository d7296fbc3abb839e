import BridgeCore
import BridgeTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The fake's `GET /projects/:id/deployments` follows GitLab's list (filters, order, pagination) and can lose the
/// answer to a create it applied.
@Suite struct GitLabFakeListTests {
    static let path = "/api/v4/projects/42/deployments"

    @Test func filtersByUpdateTimeOnlyWhenOrderedByIt() async throws {
        try await withGitLabFake { fake in
            let old = fake.addDeployment(projectID: 42, environment: "staging", sha: "a1", ref: "main", status: .running)
            // Whole seconds, rounded down: a second after `old`, before the others.
            try await Task.sleep(for: .milliseconds(1100))
            let since = ISO8601DateFormatter().string(from: Date())
            let first = fake.addDeployment(projectID: 42, environment: "staging", sha: "b2", ref: "main", status: .running)
            let second = fake.addDeployment(projectID: 42, environment: "staging", sha: "c3", ref: "main", status: .running)
            _ = fake.addDeployment(projectID: 42, environment: "production", sha: "d4", ref: "main", status: .running)
            let client = GitLabRawClient(fake)

            let unpaired = try await client.send(.GET, Self.path + "?updated_after=\(since)")
            #expect(unpaired.status == 400)
            #expect(unpaired.errorText == "400 Bad request - `updated_at` filter and `updated_at` sorting must be paired")

            let query = "?environment=staging&status=running&updated_after=\(since)&order_by=updated_at&sort=desc"
            let listed = try await client.send(.GET, Self.path + query)
            #expect(listed.status == 200)
            let ids = listed.json.flatMap { value -> [Int]? in
                guard case .array(let items) = value else { return nil }
                return items.compactMap { if case .int(let id)? = $0["id"] { id } else { nil } }
            }
            #expect(ids == [second, first])
            #expect(!(ids ?? []).contains(old))
            #expect(try await client.send(.GET, Self.path + "?order_by=size").errorText == "order_by does not have a valid value")
            #expect(try await client.send(.GET, Self.path + "?per_page=1&page=2").json?.jsonText.contains("\"id\":\(first)") == true)
        }
    }

    @Test func aLostAnswerLeavesTheCreateApplied() async throws {
        try await withGitLabFake { fake in
            fake.loseAnswer(toNext: "POST", stall: .seconds(4))
            await #expect(throws: (any Error).self) {
                _ = try await GitLabRawClient(fake).send(.POST, Self.path, json: GitLabRawClient.createBody(), timeout: .milliseconds(1500))
            }
            #expect(fake.deployments.map(\.status) == [.running])
        }
    }
}
