import BridgeCore
import BridgeStore
import Foundation
import GRDB
import Testing

/// Claims serialise on the step's real resource (`StepResource`), not on its target's name (Migrations.v4).
@Suite("Work queue: one step per resource")
struct ResourceClaimTests {
    static let restAPI = "https://apigateway.eu-west-2.amazonaws.com/restapis/z4675bid1j"

    /// A run of `rule` with one step of `target` deploying `resource`.
    static func run(_ rule: String, target: String, resource: String, sha: Int = 1) -> PlannedRun {
        PlannedRun(
            rule: rule, environment: "staging", event: WorkFixture.event(sha: WorkFixture.sha(sha)),
            steps: [PlannedStep(target: target, provider: "aws-apigateway", parameters: .object([:]), resource: resource)])
    }

    @Test(arguments: StoreKind.allCases) func twoTargetsNamingOneRESTAPINeverRunAtOnce(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([
            Self.run("to-staging", target: "staging-api", resource: Self.restAPI),
            Self.run("to-prod", target: "prod-api", resource: Self.restAPI),
        ])

        let first = try #require(try await work.claim("w1", at: 0))
        #expect(first.runID == runs[0])
        #expect(first.resource == Self.restAPI)
        #expect(try await work.claim("w2", at: 1) == nil)

        try await work.finish(first, owner: "w1", at: 2)
        let second = try #require(try await work.claim("w2", at: 2))
        #expect(second.runID == runs[1])
        #expect(second.target == "prod-api")
        #expect(try await work.store.run(id: runs[1]).steps.first?.resource == Self.restAPI)
    }

    @Test(arguments: StoreKind.allCases) func oneTargetWithTwoResourcesRunsBothAtOnce(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        try await work.record([
            Self.run("pr-1", target: "preview-stack", resource: "https://api.pulumi.com/api/stacks/acme/shop/pr-1"),
            Self.run("pr-2", target: "preview-stack", resource: "https://api.pulumi.com/api/stacks/acme/shop/pr-2"),
        ])

        let first = try #require(try await work.claim("w1", at: 0))
        let second = try #require(try await work.claim("w2", at: 0))
        #expect(first.target == second.target)
        #expect(first.resource != second.resource)
    }

    @Test(arguments: StoreKind.allCases) func aStepRecordedBeforeResourcesStillExcludesItsTarget(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([
            Self.run("old", target: "staging-api", resource: "staging-api"),
            Self.run("new", target: "staging-api", resource: Self.restAPI),
        ])
        // As a v2 database upgraded in place would hold it: no resource.
        try await work.testStore.execute("UPDATE steps SET resource = NULL WHERE run_id = \(runs[0])")

        let old = try #require(try await work.claim("w1", at: 0))
        #expect(old.runID == runs[0])
        #expect(old.resource == "staging-api")
        #expect(try await work.claim("w2", at: 1) == nil)
        try await work.finish(old, owner: "w1", at: 2)
        #expect(try await work.claim("w2", at: 2)?.runID == runs[1])
    }

    @Test(arguments: StoreKind.allCases) func aStepKeepsItsFirstStartAcrossAttempts(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        try await work.record([Self.run("deploy", target: "api", resource: Self.restAPI)])
        let first = try #require(try await work.claim("w1", at: 0))
        #expect(first.startedAt == WorkFixture.at(0))
        try await work.store.retryStepLater(
            stepID: first.stepID, owner: "w1", error: "ConflictException", retryAt: WorkFixture.at(5), now: WorkFixture.at(1))
        let again = try #require(try await work.claim("w1", at: 6))
        #expect(again.attempt == 2)
        #expect(again.startedAt == WorkFixture.at(0))
    }
}
