import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// A create whose answer was lost: the reporter finds the deployment GitLab made instead of making a second one.
extension GitLabStatusReporterTests {
    @Test func aRepeatedCreateFindsTheDeploymentAnEarlierAttemptMade() async throws {
        // A create whose answer was lost is retried by the worker: the deployment GitLab made is looked up, not made again.
        try await withGitLabFake(Self.fake()) { fake in
            let reporter = Self.reporter(fake)
            var update = Self.update()
            update.requestedAt = Date()
            let first = try #require(await reporter.report(update))
            let again = try #require(await reporter.report(update))
            #expect(again == first)
            #expect(fake.deployments.count == 1)
            #expect(fake.requests.map(\.method) == ["GET", "POST", "GET"])
            let lookup = try #require(fake.requests.last?.query)
            #expect(lookup.hasPrefix("environment=staging&status=running&updated_after="))
            #expect(lookup.hasSuffix("&order_by=updated_at&sort=desc&per_page=100"))
        }
    }

    @Test func anotherRunsDeploymentOrAnOlderOneIsNotTakenForThisOne() async throws {
        try await withGitLabFake(Self.fake()) { fake in
            let reporter = Self.reporter(fake)
            let old = fake.addDeployment(projectID: 42, environment: "staging", sha: Self.update().sha, ref: "main", status: .running)
            _ = fake.addDeployment(
                projectID: 42, environment: "staging", sha: "0000000000000000000000000000000000000000", ref: "main", status: .running)
            var update = Self.update()
            update.requestedAt = Date().addingTimeInterval(3600)
            let created = try #require(await reporter.report(update))
            #expect(created != String(old))
            #expect(fake.deployments.count == 3)
        }
    }
}
