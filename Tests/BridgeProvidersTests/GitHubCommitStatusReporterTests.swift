import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// The commit-status reporter against the GitHub fake, over loopback.
@Suite struct GitHubCommitStatusReporterTests {
    typealias Fixture = GitHubFixture

    @Test func postsPendingThenTheOutcomeUnderTheRulesContext() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubCommitStatusReporter(client: try Fixture.tokenClient(fake))
            for status in [ForgeDeploymentStatus.queued, .running, .success] {
                let answer = try await reporter.report(Fixture.update(status))
                #expect(answer == nil)
            }
            let statuses = fake.commitStatuses(sha: Fixture.sha)
            #expect(statuses.map(\.state) == ["pending", "pending", "success"])
            #expect(statuses.allSatisfy { $0.context == "gitops-bridge/main-to-staging" })
            #expect(statuses.map(\.description) == ["queued: main-to-staging", "deploying: main-to-staging", "deployed: main-to-staging"])
            #expect(Fixture.calls(fake) == Array(repeating: "POST /repos/acme/shop/statuses/\(Fixture.sha)", count: 3))
            #expect(fake.requests.first?.body?["target_url"] == nil)
            #expect(fake.deployments.isEmpty)
        }
    }

    @Test(arguments: [
        (ForgeDeploymentStatus.failed, "failure"), (.canceled, "error"), (.superseded, "error"), (.success, "success"), (.queued, "pending"),
    ])
    func mapsTheRunsStatus(status: ForgeDeploymentStatus, state: String) async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            _ = try await GitHubCommitStatusReporter(client: try Fixture.tokenClient(fake)).report(Fixture.update(status))
            #expect(fake.commitStatuses(sha: Fixture.sha).map(\.state) == [state])
        }
    }

    @Test(
        arguments: [
            ("https://bridge.example.com/runs/7", "https://staging.example.com", "https://bridge.example.com/runs/7"),
            (nil, "https://staging.example.com", "https://staging.example.com"),
        ] as [(String?, String?, String)])
    func linksTheRunElseTheEnvironment(logURL: String?, environmentURL: String?, target: String) async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            var update = Fixture.update(.running)
            update.logURL = logURL
            update.environmentURL = environmentURL
            _ = try await GitHubCommitStatusReporter(client: try Fixture.tokenClient(fake)).report(update)
            #expect(fake.commitStatuses(sha: Fixture.sha).first?.targetURL == target)
        }
    }

    @Test func needsNoEnvironment() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            _ = try await GitHubCommitStatusReporter(client: try Fixture.tokenClient(fake)).report(Fixture.update(environment: ""))
            #expect(fake.commitStatuses(sha: Fixture.sha).count == 1)
        }
    }

    @Test func anUnknownCommitIsPermanentWithGitHubsMessage() async throws {
        let fake = GitHubFake(repositories: [.init("acme/shop")], refs: ["main": String(repeating: "a", count: 40)])
        try await withGitHubFake(fake) { fake in
            let error = await Fixture.failure(GitHubCommitStatusReporter(client: try Fixture.tokenClient(fake)), Fixture.update(), fake: fake)
            #expect(error == .permanent("GitHub 422: No commit found for SHA: \(Fixture.sha)"))
        }
    }

    @Test func aWrongTokenIsPermanentAndNeverQuoted() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubCommitStatusReporter(client: try Fixture.tokenClient(fake, token: "ghp_wrongTokenWrongToken0000"))
            let error = await Fixture.failure(reporter, Fixture.update(), fake: fake)
            #expect(error == .permanent("GitHub 401: Bad credentials"))
        }
    }

    @Test(arguments: ["ghp_with_newline\n", "ghp with space", "ghp-ü"])
    func aTokenNoHeaderCanCarryIsPermanentAndNotQuoted(token: String) async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubCommitStatusReporter(client: try Fixture.tokenClient(fake, token: token))
            let error = await Fixture.failure(reporter, Fixture.update(), fake: fake)
            #expect(error == .permanent("the GitHub token env:GITHUB_TOKEN is empty or has characters an HTTP header cannot carry"))
            #expect(fake.requests.isEmpty)
        }
    }

    @Test func bothReportersShareOneAppToken() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let client = try Fixture.appClient(fake)
            _ = try await GitHubDeploymentReporter(client: client).report(Fixture.update())
            _ = try await GitHubCommitStatusReporter(client: client).report(Fixture.update())
            #expect(fake.issuedTokens.count == 1)
            #expect(fake.requests.filter { $0.caller == .app }.count == 2)
            #expect(fake.requests.filter { $0.caller == .installation(7001) }.count == 4)
        }
    }
}
