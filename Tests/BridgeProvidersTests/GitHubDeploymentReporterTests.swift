import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// The deployment reporter against the GitHub fake, over loopback.
@Suite struct GitHubDeploymentReporterTests {
    typealias Fixture = GitHubFixture

    @Test func movesOneDeploymentFromQueuedThroughInProgressToSuccess() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubDeploymentReporter(client: try Fixture.tokenClient(fake))
            let id = try await Fixture.reportInOrder(reporter, [.queued, .running, .success])
            let deployment = try #require(fake.deployments.first)
            #expect(fake.deployments.count == 1)
            #expect(id == String(deployment.id))
            #expect(deployment.states == ["queued", "in_progress", "success"])
            #expect(deployment.sha == Fixture.sha)
            #expect(deployment.ref == Fixture.sha)
            #expect(deployment.environment == "staging")
            #expect(!deployment.productionEnvironment)
            #expect(deployment.statuses.map(\.description) == ["queued: main-to-staging", "deploying: main-to-staging", "deployed: main-to-staging"])
            #expect(
                Fixture.calls(fake) == [
                    "GET /repos/acme/shop/deployments?sha=\(Fixture.sha)&environment=staging&per_page=100",
                    "POST /repos/acme/shop/deployments", "POST /repos/acme/shop/deployments/\(deployment.id)/statuses",
                    "POST /repos/acme/shop/deployments/\(deployment.id)/statuses",
                    "POST /repos/acme/shop/deployments/\(deployment.id)/statuses",
                ])
        }
    }

    @Test func sendsGitHubsHeadersAndTheDocumentedCreateBody() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubDeploymentReporter(client: try Fixture.tokenClient(fake))
            var update = Fixture.update(requestID: 41)
            update.production = true
            update.transient = false
            _ = try await reporter.report(update)
            for request in fake.requests {
                #expect(request.headers["accept"] == "application/vnd.github+json")
                #expect(request.headers["x-github-api-version"] == "2022-11-28")
                #expect(request.headers["user-agent"] == "gitops-bridge")
                #expect(request.headers["authorization"] == "[REDACTED]")
                #expect(request.caller == .personalToken)
            }
            let create = try #require(fake.requests.first { $0.method == "POST" && $0.path.hasSuffix("/deployments") })
            #expect(create.headers["content-type"] == "application/json")
            #expect(
                create.body
                    == [
                        "ref": .string(Fixture.sha), "environment": "staging", "auto_merge": false, "required_contexts": [],
                        "description": "queued: main-to-staging", "production_environment": true, "transient_environment": false,
                        "payload": ["gitops_bridge": ["run": 7, "rule": "main-to-staging", "request": 41]],
                    ])
            #expect(fake.deployments.first?.productionEnvironment == true)
            #expect(fake.deployments.first?.payload == ["gitops_bridge": ["run": 7, "rule": "main-to-staging", "request": 41]])
        }
    }

    @Test func leavesOutEnvironmentKindsTheRuleDoesNotName() {
        let body = GitHubDeploymentReporter.createBody(Fixture.update(requestID: nil))
        #expect(body["production_environment"] == nil)
        #expect(body["transient_environment"] == nil)
        #expect(body["payload"] == ["gitops_bridge": ["run": 7, "rule": "main-to-staging"]])
    }

    @Test(
        arguments: [
            ([.queued, .running, .failed], ["queued", "in_progress", "failure"]), ([.queued, .canceled], ["queued", "inactive"]),
            ([.queued, .superseded], ["queued", "inactive"]), ([.queued, .running, .canceled], ["queued", "in_progress", "inactive"]),
        ] as [([ForgeDeploymentStatus], [String])])
    func showsHowARunEnded(statuses: [ForgeDeploymentStatus], states: [String]) async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            try await Fixture.reportInOrder(GitHubDeploymentReporter(client: try Fixture.tokenClient(fake)), statuses)
            #expect(fake.deployments.map(\.states) == [states])
        }
    }

    @Test func sendsTheEnvironmentAndLogAddresses() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubDeploymentReporter(client: try Fixture.tokenClient(fake))
            var update = Fixture.update()
            update.environmentURL = "https://staging.example.com"
            update.logURL = "https://bridge.example.com/runs/7"
            _ = try await reporter.report(update)
            let status = try #require(fake.deployments.first?.statuses.first)
            #expect(status.environmentURL == "https://staging.example.com")
            #expect(status.logURL == "https://bridge.example.com/runs/7")
            #expect(fake.requests.last?.body?["auto_inactive"] == nil)
        }
    }

    @Test func aFailedRunSaysWhyWithinGitHubsLimit() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubDeploymentReporter(client: try Fixture.tokenClient(fake))
            let id = try await reporter.report(Fixture.update())
            var update = Fixture.update(.failed, deploymentID: id, requestID: 2)
            update.detail = String(repeating: "the stage refused the deployment ", count: 10)
            _ = try await reporter.report(update)
            let description = try #require(fake.deployments.first?.statuses.last?.description)
            #expect(description.hasPrefix("failed: main-to-staging: the stage refused"))
            #expect(description.count == 140)
        }
    }

    @Test func anUpdateWithoutADeploymentCreatesOne() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubDeploymentReporter(client: try Fixture.tokenClient(fake))
            let id = try await reporter.report(Fixture.update(.running))
            #expect(fake.deployments.map(\.states) == [["in_progress"]])
            #expect(id == fake.deployments.first.map { String($0.id) })
        }
    }

    @Test func aQueuedUpdateOfANewRunMakesANewDeployment() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubDeploymentReporter(client: try Fixture.tokenClient(fake))
            let first = try await reporter.report(Fixture.update(requestID: 1))
            let second = try await reporter.report(Fixture.update(requestID: 2))
            #expect(first != second)
            #expect(fake.deployments.count == 2)
        }
    }

    @Test func aRunWithoutAnEnvironmentIsPermanentAndSendsNothing() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubDeploymentReporter(client: try Fixture.tokenClient(fake))
            let error = await Fixture.failure(reporter, Fixture.update(environment: ""))
            #expect(error?.isRetryable == false)
            #expect(error?.description.contains("needs an environment") == true)
            #expect(fake.requests.isEmpty)
        }
    }

    @Test(arguments: ["acme", "acme/shop/extra", "/shop", "acme/"])
    func aNameThatIsNotOwnerSlashRepoIsPermanent(repository: String) async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubDeploymentReporter(client: try Fixture.tokenClient(fake))
            let error = await Fixture.failure(reporter, Fixture.update(repository: repository))
            #expect(error == .permanent("the repository \"\(repository)\" is not a GitHub repository's full name (owner/repo)"))
            #expect(fake.requests.isEmpty)
        }
    }

    @Test func anUnknownDeploymentIsPermanent() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubDeploymentReporter(client: try Fixture.tokenClient(fake))
            let error = await Fixture.failure(reporter, Fixture.update(.success, deploymentID: "999"), fake: fake)
            #expect(error == .permanent("GitHub 404: Not Found"))
        }
    }

    @Test func anUnknownCommitIsPermanentWithGitHubsMessage() async throws {
        let fake = GitHubFake(repositories: [.init("acme/shop")], refs: ["main": String(repeating: "a", count: 40)])
        try await withGitHubFake(fake) { fake in
            let reporter = GitHubDeploymentReporter(client: try Fixture.tokenClient(fake))
            let error = await Fixture.failure(reporter, Fixture.update(), fake: fake)
            #expect(error == .permanent("GitHub 422: No ref found for: \(Fixture.sha)"))
            #expect(fake.deployments.isEmpty)
        }
    }

    @Test func anAutoMergeAnswerIsPermanentWithGitHubsMessage() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubDeploymentReporter(client: try Fixture.tokenClient(fake))
            fake.inject(
                .response(
                    status: 202, contentType: "application/json",
                    body: #"{"message":"Auto-merged main into 3f2c1ab on deployment.","documentation_url":"https://docs.github.com/rest"}"#))
            // Without a request id nothing is looked up: the create is the first call.
            let error = await Fixture.failure(reporter, Fixture.update(requestID: nil), fake: fake)
            #expect(error == .permanent("GitHub 202: Auto-merged main into 3f2c1ab on deployment."))
        }
    }

    @Test func aCreateAnswerWithoutAnIDIsPermanent() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubDeploymentReporter(client: try Fixture.tokenClient(fake))
            fake.inject(.response(status: 201, contentType: "text/html", body: "<html>Sign in</html>"))
            let error = await Fixture.failure(reporter, Fixture.update(requestID: nil), fake: fake)
            #expect(error == .permanent("GitHub 201: the answer has no deployment id; is \(fake.baseURL) a GitHub API?"))
        }
    }
}
