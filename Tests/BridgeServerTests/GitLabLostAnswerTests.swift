import BridgeCore
import BridgeProviders
import BridgeServer
import BridgeStore
import BridgeTestSupport
import Foundation
import Testing

/// A deployment create whose answer never arrives is not created twice: the retry finds the one GitLab made.
@Suite struct GitLabLostAnswerTests {
    @Test func aLostCreateAnswerLeavesExactlyOneDeploymentInTheFinalState() async throws {
        try await withGitLabFake { gitlab in
            // GitLab creates the deployment, but the bridge times out before the answer comes.
            gitlab.loseAnswer(toNext: "POST", stall: .seconds(4))
            let harness = try WorkerHarness()
            defer { harness.removeFiles() }
            let run = try await harness.queueRun(targets: ["api"])
            let reporter = GitLabStatusReporter(
                baseURL: gitlab.baseURL, token: Secret(bytes: Array(GitLabFake.defaultToken.utf8), reference: .environment("GITLAB_TOKEN")),
                httpClient: .forTests, timeout: .milliseconds(1500))
            try await harness.runWorker(deployers: [ScriptedDeployer()], reporter: reporter) {
                let done = try await harness.runStatus(run) == "succeeded"
                return done && gitlab.deployments.contains { $0.status == .success }
            }
            #expect(gitlab.deployments.count == 1)
            #expect(gitlab.deployments.first?.statusHistory == [.running, .success])
            #expect(gitlab.illegalTransitions.isEmpty)
            let creates = gitlab.requests.filter { $0.method == "POST" }
            #expect(creates.count == 1)
        }
    }
}
