import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// GitHub App authentication: the installation per repository, its token cached, shared, renewed.
@Suite struct GitHubAppAuthTests {
    typealias Fixture = GitHubFixture

    static func lookups(_ fake: GitHubFake) -> Int { fake.requests.filter { $0.path.hasSuffix("/installation") }.count }
    static func tokenRequests(_ fake: GitHubFake) -> Int { fake.requests.filter { $0.path.hasSuffix("/access_tokens") }.count }

    @Test func findsEachRepositorysInstallationOnceAndItsTokenOnce() async throws {
        let repositories: [GitHubFake.Repository] = [.init("acme/shop", installationID: 7001), .init("globex/api", installationID: 7002)]
        try await withGitHubFake(Fixture.fake(repositories: repositories)) { fake in
            let reporter = GitHubCommitStatusReporter(client: try Fixture.appClient(fake))
            for repository in ["acme/shop", "globex/api", "ACME/Shop", "globex/api"] {
                _ = try await reporter.report(Fixture.update(.running, repository: repository))
            }
            #expect(Self.lookups(fake) == 2)
            #expect(fake.issuedTokens.map(\.installationID) == [7001, 7002])
            let statusCalls = fake.requests.filter { $0.path.contains("/statuses/") }
            #expect(statusCalls.map(\.caller) == [.installation(7001), .installation(7002), .installation(7001), .installation(7002)])
            #expect(statusCalls.allSatisfy { $0.responseStatus == 201 })
        }
    }

    @Test func aConfiguredInstallationIsUsedWithoutALookup() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubCommitStatusReporter(client: try Fixture.appClient(fake, installationID: "7001"))
            _ = try await reporter.report(Fixture.update())
            #expect(Self.lookups(fake) == 0)
            #expect(Fixture.calls(fake) == ["POST /app/installations/7001/access_tokens", "POST /repos/acme/shop/statuses/\(Fixture.sha)"])
        }
    }

    @Test func concurrentCallersShareOneLookupAndOneToken() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubCommitStatusReporter(client: try Fixture.appClient(fake))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<12 {
                    group.addTask { _ = try await reporter.report(Fixture.update(.running)) }
                }
                try await group.waitForAll()
            }
            #expect(Self.lookups(fake) == 1)
            #expect(Self.tokenRequests(fake) == 1)
            #expect(fake.commitStatuses(sha: Fixture.sha).count == 12)
        }
    }

    @Test func aTokenThatExpiresBetweenTwoStatusesIsRenewedWithoutAnError() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubDeploymentReporter(client: try Fixture.appClient(fake))
            let id = try await reporter.report(Fixture.update())
            fake.expireTokens()
            _ = try await reporter.report(Fixture.update(.running, deploymentID: id, requestID: 2))
            _ = try await reporter.report(Fixture.update(.success, deploymentID: id, requestID: 3))
            #expect(fake.deployments.map(\.states) == [["queued", "in_progress", "success"]])
            #expect(fake.issuedTokens.count == 2)
            let refused = fake.requests.filter { $0.responseStatus == 401 }
            #expect(refused.count == 1)
            #expect(refused.first?.caller == nil)
            #expect(Self.lookups(fake) == 1)
        }
    }

    @Test(arguments: [(3600 - 301, 1), (3600 - 299, 2)] as [(TimeInterval, Int)])
    func renewsATokenFiveMinutesBeforeItExpires(elapsed: TimeInterval, tokens: Int) async throws {
        let clock = TestClock(Date())
        try await withGitHubFake(Fixture.fake(now: clock.closure)) { fake in
            let reporter = GitHubCommitStatusReporter(client: try Fixture.appClient(fake, now: clock.closure))
            _ = try await reporter.report(Fixture.update())
            clock.advance(by: elapsed)
            _ = try await reporter.report(Fixture.update(.running))
            #expect(fake.issuedTokens.count == tokens)
            #expect(fake.requests.allSatisfy { $0.responseStatus != 401 })
        }
    }

    @Test func anAppNotInstalledOnTheRepositoryIsPermanent() async throws {
        let repositories: [GitHubFake.Repository] = [.init("acme/shop"), .init("acme/private", installationID: nil)]
        try await withGitHubFake(Fixture.fake(repositories: repositories)) { fake in
            let reporter = GitHubCommitStatusReporter(client: try Fixture.appClient(fake))
            let error = await Fixture.failure(reporter, Fixture.update(repository: "acme/private"), fake: fake)
            #expect(error == .permanent("GitHub 404: Not Found: the GitHub App 424242 is not installed on acme/private, or cannot see it"))
            #expect(Self.tokenRequests(fake) == 0)
        }
    }

    @Test func aKeyThatIsNotTheAppsIsRefusedWithoutQuotingIt() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubCommitStatusReporter(client: try Fixture.appClient(fake, key: .other))
            let error = await Fixture.failure(reporter, Fixture.update(), fake: fake)
            #expect(error == .permanent("GitHub 401: A JSON web token could not be decoded"))
            Fixture.expectNoCredential(in: "\(String(describing: error))", fake: fake)
            #expect(!"\(String(describing: error))".contains(String(GitHubTestKey.other.privateKeyPEM.split(separator: "\n")[1])))
        }
    }

    @Test func aClockFarAheadOfGitHubsIsTold() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let ahead = try Fixture.appClient(fake, now: { Date().addingTimeInterval(900) })
            let error = await Fixture.failure(GitHubCommitStatusReporter(client: ahead), Fixture.update(), fake: fake)
            #expect(error == .permanent("GitHub 401: 'Expiration time' claim ('exp') is too far in the future"))
        }
    }

    @Test func anInstallationGoneSinceItWasFoundIsLookedUpAgain() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubCommitStatusReporter(client: try Fixture.appClient(fake))
            fake.inject(.response(status: 200, contentType: "application/json", body: #"{"id": 6999}"#))
            let error = await Fixture.failure(reporter, Fixture.update(), fake: fake)
            #expect(error == .permanent("GitHub 404: Not Found"))
            _ = try await reporter.report(Fixture.update())
            #expect(Self.lookups(fake) == 2)
            #expect(fake.requests.last?.caller == .installation(7001))
        }
    }

    @Test func aMissingTokenInTheAnswerIsPermanent() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubCommitStatusReporter(client: try Fixture.appClient(fake, installationID: "7001"))
            fake.inject(.response(status: 201, contentType: "application/json", body: #"{"expires_at": "2030-01-01T00:00:00Z"}"#))
            let error = await Fixture.failure(reporter, Fixture.update(), fake: fake)
            #expect(error?.isRetryable == false)
            #expect(error?.description.hasPrefix("GitHub 201: the installation token answer has no token or expires_at") == true)
        }
    }
}
