import BridgeCore
import BridgeProviders
import BridgeServer
import BridgeTestSupport
import Foundation
import Testing

/// Graceful shutdown and the forge: `GitLabFake` stands in for GitLab's Deployments API
/// (shared/reference/providers.md §7).
@Suite struct WorkerShutdownTests {
    @Test func theStatusOfAStepThatFinishesDuringTheGraceReachesGitLabBeforeTheWorkerStops() async throws {
        try await withGitLabFake { gitlab in
            let harness = try WorkerHarness()
            defer { harness.removeFiles() }
            let run = try await harness.queueRun(targets: ["api"])
            let deployer = ScriptedDeployer(["api": [.take(.milliseconds(600))]])
            let reporter = GitLabStatusReporter(
                baseURL: gitlab.baseURL, token: Secret(bytes: Array(gitlab.token.utf8), reference: .environment("GITLAB_API_TOKEN")),
                httpClient: .forTests)
            // SIGTERM as soon as the step runs: the step finishes within the grace, and its status must go out before
            // `run()` returns, not wait in the outbox for the next start. The worker stops as soon as it has, so a long
            // grace (15 s) costs nothing here; 5 s ran out twice while the whole suite loaded the machine.
            try await harness.runWorker(deployers: [deployer], reporter: reporter, configuration: WorkerHarness.configuration(grace: .seconds(15))) {
                !deployer.calls.isEmpty
            }
            #expect(try await harness.runStatus(run) == "succeeded")
            #expect(gitlab.deployments.map(\.statusHistory) == [[.running, .success]])
            #expect(gitlab.illegalTransitions.isEmpty)
        }
    }

    @Test func aForgeThatKeepsFailingDoesNotHoldTheShutdownPastTheGrace() async throws {
        try await withGitLabFake { gitlab in
            let harness = try WorkerHarness()
            defer { harness.removeFiles() }
            let run = try await harness.queueRun(targets: ["api"])
            gitlab.inject(.serverError, times: 1_000)
            let reporter = GitLabStatusReporter(
                baseURL: gitlab.baseURL, token: Secret(bytes: Array(gitlab.token.utf8), reference: .environment("GITLAB_API_TOKEN")),
                httpClient: .forTests)
            var configuration = WorkerHarness.configuration(grace: .milliseconds(800))
            configuration.statusRetry = RetryPolicy(maximumAttempts: 50, initialDelay: .milliseconds(20), maximumDelay: .milliseconds(50))
            let began = ContinuousClock.now
            try await harness.runWorker(deployers: [ScriptedDeployer()], reporter: reporter, configuration: configuration) {
                try await harness.runStatus(run) == "succeeded"
            }
            // Loose: the worker stops about when the grace ends, not when GitLab recovers.
            #expect(ContinuousClock.now - began < .seconds(30))
            #expect(gitlab.deployments.isEmpty)
        }
    }
}
