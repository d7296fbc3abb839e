import BridgeCore
import BridgeTestSupport
import Foundation
import NIOHTTP1
import Testing

/// The fake's deployments and statuses, as GitHub documents them.
extension GitHubFakeTests {
    static let createBody: ConfigValue = [
        "ref": .string(Fixture.sha), "environment": "staging", "auto_merge": false, "required_contexts": [],
    ]

    static func body(_ changes: [String: ConfigValue?], base: ConfigValue = createBody) -> ConfigValue {
        guard case .object(var members) = base else { return base }
        for (key, value) in changes { members[key] = value }
        return .object(members)
    }

    /// Item `index` of a JSON array.
    static func item(_ value: ConfigValue?, _ index: Int) -> ConfigValue? {
        guard case .array(let items)? = value, items.indices.contains(index) else { return nil }
        return items[index]
    }

    @Test func createsADeploymentWithGitHubsDefaults() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let answer = try await Self.send(fake, .POST, "/repos/acme/shop/deployments", json: ["ref": .string(Fixture.sha), "auto_merge": false])
            #expect(answer.status == 201)
            #expect(answer.json?["environment"] == "production")
            #expect(answer.json?["production_environment"] == true)
            #expect(answer.json?["transient_environment"] == false)
            #expect(answer.json?["task"] == "deploy")
            #expect(answer.json?["payload"] == [:])
            #expect(answer.json?["sha"] == .string(Fixture.sha))
        }
    }

    @Test(
        arguments: [
            (["ref": nil] as [String: ConfigValue?], 422, "Invalid request.\n\n\"ref\" wasn't supplied."),
            (["description": .string(String(repeating: "d", count: 141))], 422, "Validation Failed"),
            (["auto_merge": nil], 202, "Auto-merged main into \(GitHubFixture.sha) on deployment."),
            (["auto_merge": "no"], 422, "Invalid request.\n\nFor 'properties/auto_merge', \"no\" is not a boolean."),
            (["required_contexts": nil], 409, "Conflict: Commit status checks failed for \(GitHubFixture.sha)."),
            (["required_contexts": ["ci/build"]], 409, "Conflict: Commit status checks failed for \(GitHubFixture.sha)."),
            (["required_contexts": ["ci/test"]], 201, nil),
        ] as [([String: ConfigValue?], Int, String?)])
    func followsTheCreateContract(changes: [String: ConfigValue?], status: Int, message: String?) async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            // A commit with one pending and one successful check.
            for (context, state) in [("ci/build", "pending"), ("ci/test", "success")] {
                let posted = try await Self.send(
                    fake, .POST, "/repos/acme/shop/statuses/\(Fixture.sha)", json: ["state": .string(state), "context": .string(context)])
                try #require(posted.status == 201)
            }
            let answer = try await Self.send(fake, .POST, "/repos/acme/shop/deployments", json: Self.body(changes))
            #expect(answer.status == status)
            #expect(answer.message == message)
            #expect(fake.deployments.count == (status == 201 ? 1 : 0))
        }
    }

    @Test func deploymentStatusesTakeTheSevenStatesOnly() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let id = try #require(try await Self.send(fake, .POST, "/repos/acme/shop/deployments", json: Self.createBody).json?["id"])
            let path = "/repos/acme/shop/deployments/\(id)/statuses"
            for state in ["queued", "pending", "in_progress", "error", "failure", "success", "inactive"] {
                #expect(try await Self.send(fake, .POST, path, json: ["state": .string(state)]).status == 201)
            }
            let wrong = try await Self.send(fake, .POST, path, json: ["state": "running"])
            #expect(wrong.status == 422)
            #expect(wrong.json?["errors"] == [["resource": "DeploymentStatus", "field": "state", "code": "invalid"]])
            let long = try await Self.send(fake, .POST, path, json: ["state": "success", "description": .string(String(repeating: "x", count: 141))])
            #expect(long.status == 422)
            #expect(Self.item(long.json?["errors"], 0)?["message"] == "description is too long (maximum is 140 characters)")
            #expect(try await Self.send(fake, .POST, "/repos/acme/shop/deployments/1/statuses", json: ["state": "success"]).status == 404)
            #expect(fake.deployments.first?.states.count == 7)
        }
    }

    @Test func aNewSuccessMarksEarlierDeploymentsOfTheEnvironmentInactive() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            var ids: [ConfigValue] = []
            for environment in ["staging", "staging", "review"] {
                let created = try await Self.send(fake, .POST, "/repos/acme/shop/deployments", json: Self.body(["environment": .string(environment)]))
                let id = try #require(created.json?["id"])
                ids.append(id)
                _ = try await Self.send(fake, .POST, "/repos/acme/shop/deployments/\(id)/statuses", json: ["state": "success"])
            }
            #expect(fake.deployments.map(\.states) == [["success", "inactive"], ["success"], ["success"]])
            #expect(fake.deployments.first?.statuses.last?.automatic == true)
        }
    }

    @Test func listsDeploymentsFilteredNewestFirstWithTheirPayload() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let other = String(repeating: "c", count: 40)
            for (sha, environment, request) in [
                (Fixture.sha, "staging", 1), (other, "staging", 2), (Fixture.sha, "review", 3), (Fixture.sha, "staging", 4),
            ] {
                let body = Self.body([
                    "ref": .string(sha), "environment": .string(environment), "payload": ["gitops_bridge": ["request": .int(request)]],
                ])
                try #require(try await Self.send(fake, .POST, "/repos/acme/shop/deployments", json: body).status == 201)
            }
            let listed = try await Self.send(fake, .GET, "/repos/acme/shop/deployments?sha=\(Fixture.sha)&environment=staging&per_page=100")
            guard case .array(let items)? = listed.json else {
                Issue.record("not a list: \(String(describing: listed.json))")
                return
            }
            #expect(items.map { $0["payload"]?["gitops_bridge"]?["request"] } == [4, 1])
            let paged = try await Self.send(fake, .GET, "/repos/acme/shop/deployments?per_page=1&page=2")
            #expect(Self.item(paged.json, 0)?["payload"]?["gitops_bridge"]?["request"] == 3)
        }
    }

    @Test func commitStatusesTakeTheFourStatesOnly() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let path = "/repos/acme/shop/statuses/\(Fixture.sha)"
            for state in ["pending", "success", "failure", "error"] {
                #expect(try await Self.send(fake, .POST, path, json: ["state": .string(state), "context": "ci"]).status == 201)
            }
            #expect(try await Self.send(fake, .POST, path, json: ["state": "inactive"]).status == 422)
            #expect(try await Self.send(fake, .POST, path, json: [:]).status == 422)
            #expect(fake.commitStatuses(sha: Fixture.sha).map(\.state) == ["pending", "success", "failure", "error"])
            let listed = try await Self.send(fake, .GET, "/repos/acme/shop/commits/\(Fixture.sha)/statuses")
            #expect(Self.item(listed.json, 0)?["state"] == "error")
        }
    }
}
