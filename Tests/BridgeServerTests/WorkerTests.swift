import BridgeCore
import BridgeServer
import BridgeStore
import Foundation
import Synchronization
import Testing

/// Stands in for the `StatusReporter` port: records what the worker reports, answers with a deployment id.
final class RecordingReporter: StatusReporter, Sendable {
    private let updates = Mutex<[StatusUpdate]>([])

    var reported: [StatusUpdate] { updates.withLock { $0 } }
    func statuses(run: Int64) -> [ForgeDeploymentStatus] { reported.filter { $0.runID == run }.map(\.status) }

    func report(_ update: StatusUpdate) async throws(ProviderError) -> String? {
        updates.withLock { $0.append(update) }
        return update.deploymentID ?? "gl-\(update.runID)"
    }
}

@Suite struct WorkerTests {
    @Test func eachReporterOfARunGetsItsUpdatesInOrderWithTheRunsPageLinked() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let run = try await harness.queueRun(targets: ["backend"], forge: .github, reporters: ["github-deployment", "github-status"])
        let deployments = RecordingReporter()
        let statuses = RecordingReporter()
        var configuration = WorkerHarness.configuration()
        configuration.dashboardURL = "https://bridge.example.com"
        try await harness.runWorker(
            deployers: [ScriptedDeployer()], reporters: ["github-deployment": deployments, "github-status": statuses],
            configuration: configuration
        ) {
            try await harness.runStatus(run) == "succeeded" && statuses.statuses(run: run).count == 3
        }
        #expect(deployments.statuses(run: run) == [.queued, .running, .success])
        #expect(statuses.statuses(run: run) == [.queued, .running, .success])
        #expect(deployments.reported.allSatisfy { $0.logURL == "https://bridge.example.com/runs/\(run)" })
        // The deployment the first update created is every later update's.
        #expect(deployments.reported.map(\.deploymentID) == [nil, "gl-\(run)", "gl-\(run)"])
    }

    @Test func anUnconfiguredReporterGivesItsUpdatesUpAndTheRunStillDeploys() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let run = try await harness.queueRun(targets: ["backend"], forge: .bitbucket, reporters: ["bitbucket"])
        try await harness.runWorker(deployers: [ScriptedDeployer()], reporters: [:]) {
            try await harness.runStatus(run) == "succeeded"
                && harness.metrics.render().contains(#"gitops_bridge_status_posts_total{reporter="bitbucket",result="not_configured"} 3"#)
        }
    }

    @Test func runsStepsInOrderAndReportsRunningThenSuccess() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let run = try await harness.queueRun(targets: ["backend", "api", "smoke"])
        let deployer = ScriptedDeployer()
        let reporter = RecordingReporter()
        try await harness.runWorker(deployers: [deployer], reporter: reporter) {
            try await harness.runStatus(run) == "succeeded" && reporter.statuses(run: run).count == 2
        }
        #expect(deployer.calls.map(\.target) == ["backend", "api", "smoke"])
        #expect(reporter.statuses(run: run) == [.running, .success])
        let update = try #require(reporter.reported.last)
        #expect(update.environment == "staging" && update.ref == "main" && !update.tag && update.project == "42")
        #expect(update.deploymentID == "gl-\(run)")
        let steps = try await harness.store.run(id: run).steps
        #expect(steps.allSatisfy { $0.status == "succeeded" && $0.attempts == 1 && $0.log?.contains("deployed") == true })
    }

    @Test func aFailedStepFailsTheRunAndLaterStepsNeverRun() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let run = try await harness.queueRun(targets: ["backend", "api"])
        let deployer = ScriptedDeployer(["backend": [.fail("exit status 3")]])
        let reporter = RecordingReporter()
        try await harness.runWorker(deployers: [deployer], reporter: reporter) {
            try await harness.runStatus(run) == "failed" && reporter.statuses(run: run).count == 2
        }
        #expect(deployer.calls.map(\.target) == ["backend"])
        #expect(reporter.statuses(run: run) == [.running, .failed])
        let steps = try await harness.store.run(id: run).steps
        #expect(steps.map(\.status) == ["failed", "skipped"])
        #expect(steps.first?.error == "exit status 3")
    }

    @Test func retryableErrorsAreRetriedWithBackoff() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let run = try await harness.queueRun(targets: ["api"])
        let deployer = ScriptedDeployer(["api": [.throwRetryable("TooManyRequestsException: slow down"), .throwRetryable("503"), .succeed]])
        try await harness.runWorker(deployers: [deployer], configuration: WorkerHarness.configuration(maxAttempts: 3)) {
            try await harness.runStatus(run) == "succeeded"
        }
        #expect(deployer.calls.map(\.attempt) == [1, 2, 3])
        #expect(try await harness.store.run(id: run).steps.first?.attempts == 3)
    }

    @Test func retriesGiveUpAfterTheLastAttemptAndPermanentErrorsAtOnce() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let throttled = try await harness.queueRun(rule: "a", targets: ["api"])
        let refused = try await harness.queueRun(rule: "b", targets: ["stack"])
        let deployer = ScriptedDeployer([
            "api": [.throwRetryable("Throttling")], "stack": [.throwPermanent("NotFoundException: Invalid Rest API Id")],
        ])
        try await harness.runWorker(deployers: [deployer], configuration: WorkerHarness.configuration(maxAttempts: 2)) {
            let first = try await harness.runStatus(throttled)
            let second = try await harness.runStatus(refused)
            return first == "failed" && second == "failed"
        }
        #expect(deployer.calls.filter { $0.target == "api" }.count == 2)
        #expect(deployer.calls.filter { $0.target == "stack" }.count == 1)
        #expect(try await harness.store.run(id: throttled).steps.first?.error?.contains("gave up after 2 attempts") == true)
        #expect(try await harness.store.run(id: refused).steps.first?.error == "NotFoundException: Invalid Rest API Id")
    }

    @Test func aNewerRunSupersedesAnOlderOneThatHasNotStarted() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let older = try await harness.queueRun(targets: ["api"], sha: String(repeating: "1", count: 40))
        let newer = try await harness.queueRun(targets: ["api"], sha: String(repeating: "2", count: 40))
        let other = try await harness.queueRun(environment: "production", targets: ["prod-api"], sha: String(repeating: "3", count: 40))
        let deployer = ScriptedDeployer()
        let reporter = RecordingReporter()
        try await harness.runWorker(deployers: [deployer], reporter: reporter) {
            let newest = try await harness.runStatus(newer)
            let unrelated = try await harness.runStatus(other)
            return newest == "succeeded" && unrelated == "succeeded" && reporter.statuses(run: newer).count == 2
        }
        #expect(try await harness.runStatus(older) == "superseded")
        #expect(!deployer.calls.contains { $0.runID == older })
        #expect(reporter.statuses(run: older).isEmpty)
    }

    @Test func oneActiveStepPerTarget() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        var queued: [Int64] = []
        for rule in ["a", "b", "c", "d"] {
            queued.append(try await harness.queueRun(rule: rule, targets: ["shared-stage"]))
        }
        let runs = queued
        let deployer = ScriptedDeployer(["shared-stage": [.take(.milliseconds(80))]])
        try await harness.runWorker(deployers: [deployer], configuration: WorkerHarness.configuration(slots: 4)) {
            var statuses: [String] = []
            for run in runs { statuses.append(try await harness.runStatus(run)) }
            return statuses.allSatisfy { $0 == "succeeded" }
        }
        #expect(deployer.calls.count == 4)
        #expect(deployer.maxConcurrent("shared-stage") == 1)
    }

    @Test func cancellingARunningRunStopsItsDeployment() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let run = try await harness.queueRun(targets: ["slow", "after"])
        let deployer = ScriptedDeployer(["slow": [.hang]])
        let reporter = RecordingReporter()
        let requested = Mutex(false)
        try await harness.runWorker(deployers: [deployer], reporter: reporter) {
            if try await harness.runStatus(run) == "running", !requested.withLock({ $0 }), !deployer.calls.isEmpty {
                _ = try await harness.store.cancelRun(id: run, now: Date())
                requested.withLock { $0 = true }
            }
            return try await harness.runStatus(run) == "canceled" && reporter.statuses(run: run).count == 2
        }
        #expect(deployer.cancelledCount == 1)
        #expect(reporter.statuses(run: run) == [.running, .canceled])
        #expect(try await harness.store.run(id: run).steps.map(\.status) == ["canceled", "skipped"])
    }

    @Test func shutdownLetsAStepFinishWithinTheGracePeriod() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let run = try await harness.queueRun(targets: ["api"])
        let deployer = ScriptedDeployer(["api": [.take(.milliseconds(400))]])
        // Stop as soon as the step runs: the worker must still finish it (grace 5 s) before it stops.
        try await harness.runWorker(deployers: [deployer], configuration: WorkerHarness.configuration(grace: .seconds(5))) {
            !deployer.calls.isEmpty
        }
        #expect(try await harness.runStatus(run) == "succeeded")
    }

    @Test func shutdownReleasesAStepThatOutlastsTheGracePeriodAndTheNextStartResumesIt() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let run = try await harness.queueRun(targets: ["api"])
        let hanging = ScriptedDeployer(["api": [.hang]])
        try await harness.runWorker(deployers: [hanging], configuration: WorkerHarness.configuration(grace: .milliseconds(200))) {
            !hanging.calls.isEmpty
        }
        #expect(try await harness.runStatus(run) == "running")
        #expect(hanging.cancelledCount == 1)
        let next = ScriptedDeployer()
        try await harness.runWorker(deployers: [next]) { try await harness.runStatus(run) == "succeeded" }
        #expect(next.calls.map(\.attempt) == [2])
    }

    @Test func anAsynchronousDeploymentIsPolledToTheEndAndResumedByPollingAfterARestart() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let run = try await harness.queueRun(targets: ["codedeploy"])
        // The first worker starts the deployment and is stopped (grace over) while it is still in progress.
        let first = ScriptedDeployer(["codedeploy": [.asynchronous(id: "d-ABC123", succeedOnPoll: 1_000_000)]])
        try await harness.runWorker(deployers: [first], configuration: WorkerHarness.configuration(grace: .milliseconds(100))) {
            first.pollCounts["d-ABC123", default: 0] >= 2
        }
        #expect(try await harness.store.run(id: run).steps.first?.externalID == "d-ABC123")
        // The next worker must poll the recorded deployment, never start a second one.
        let second = ScriptedDeployer()
        try await harness.runWorker(deployers: [second]) {
            second.pollCounts["d-ABC123", default: 0] >= 1
        }
        #expect(second.calls.isEmpty)
        #expect(try await harness.runStatus(run) == "succeeded")
        let step = try #require(try await harness.store.run(id: run).steps.first)
        #expect(step.attempts == 2 && step.log?.contains("started d-ABC123") == true)
    }

    @Test func metricsCountRunsStepsQueueAndStatusPosts() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let good = try await harness.queueRun(rule: "good", targets: ["a"])
        let bad = try await harness.queueRun(rule: "bad", targets: ["b"])
        let deployer = ScriptedDeployer(["b": [.fail("exit status 1")]])
        let reporter = RecordingReporter()
        try await harness.runWorker(deployers: [deployer], reporter: reporter) {
            let first = try await harness.runStatus(good)
            let second = try await harness.runStatus(bad)
            return first == "succeeded" && second == "failed" && reporter.reported.count == 4
        }
        let text = harness.metrics.render()
        #expect(text.contains(#"gitops_bridge_runs_total{status="succeeded"} 1"#))
        #expect(text.contains(#"gitops_bridge_runs_total{status="failed"} 1"#))
        #expect(text.contains(#"gitops_bridge_step_duration_seconds_count{provider="scripted"} 2"#))
        #expect(text.contains(#"gitops_bridge_status_posts_total{reporter="gitlab",result="sent"} 4"#))
        #expect(text.contains("gitops_bridge_queue_depth 0"))
    }
}
