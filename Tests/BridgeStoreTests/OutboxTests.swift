import BridgeCore
import BridgeStore
import Foundation
import GRDB
import Testing

@Suite("Status outbox")
struct OutboxTests {
    /// Runs a one-step run to the end with `result`.
    private func runToEnd(_ work: WorkFixture, _ result: StepResult = .succeeded) async throws -> Int64 {
        let step = try #require(try await work.claim(at: 0))
        try await work.finish(step, result, at: 1)
        return step.runID
    }

    /// A GitHub run reported as a deployment and a commit status, with an environment URL.
    static func githubRun(sha: Int, report: [String] = ["github-deployment", "github-status"]) -> PlannedRun {
        var run = WorkFixture.run(sha: WorkFixture.sha(sha), event: WorkFixture.event(forge: .github, sha: WorkFixture.sha(sha), projectID: nil))
        run.report = RunReport(reporters: report, environmentURL: "https://staging.example.com", production: false)
        return run
    }

    @Test(arguments: StoreKind.allCases) func aForgeToldOfQueuesHearsOfARunWhenItIsRecordedAndOfEveryMoveInOrder(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let store = work.store
        let runs = try await work.record([Self.githubRun(sha: 1)], forge: .github)
        #expect(try await work.outbox(runs[0]) == ["queued", "queued"])
        _ = try await runToEnd(work)
        #expect(try await work.outbox(runs[0]) == ["queued", "queued", "running", "running", "success", "success"])
        // v2's column follows for the statuses it allows, for an earlier replica during a rolling update.
        #expect(try await work.testStore.strings("SELECT last_reported || ':' || reported_status FROM runs") == ["success:success"])
        #expect(
            try await work.testStore.strings("SELECT reporter FROM status_outbox ORDER BY id")
                == ["github-deployment", "github-status", "github-deployment", "github-status", "github-deployment", "github-status"])

        // One row at a time per run, whatever its reporter: the forge sees the run's moves in order.
        var seen: [String] = []
        for second in 2..<9 {
            let due = try await store.claimStatusUpdates(owner: "s", now: WorkFixture.at(Double(second)), lease: .seconds(60), limit: 10)
            #expect(due.count <= 1)
            guard let pending = due.first else { break }
            seen.append("\(pending.reporter):\(pending.update.status.rawValue)")
            #expect(pending.update.environmentURL == "https://staging.example.com" && pending.update.production == false)
            #expect(pending.update.repository == "acme/shop" && pending.update.rule == "main-to-staging")
            #expect(pending.update.requestID == pending.outboxID)
            let deployment: String? = pending.reporter == "github-deployment" ? "gh-1" : nil
            try await store.statusSent(outboxID: pending.outboxID, owner: "s", deploymentID: deployment, now: WorkFixture.at(Double(second)))
            // The deployment the first row created is every later row's (a commit status sent nothing back).
            #expect(pending.update.deploymentID == (seen.count == 1 ? nil : "gh-1"))
        }
        #expect(
            seen == [
                "github-deployment:queued", "github-status:queued", "github-deployment:running", "github-status:running",
                "github-deployment:success", "github-status:success",
            ])
    }

    @Test(arguments: StoreKind.allCases) func aQueuedRunSupersededOrCanceledIsReportedSoToAForgeToldOfQueues(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record(
            [
                Self.githubRun(sha: 1, report: ["github-deployment"]), Self.githubRun(sha: 2, report: ["github-deployment"]),
                Self.githubRun(sha: 3, report: ["github-deployment"]),
            ], forge: .github)
        #expect(
            try await work.testStore.strings("SELECT last_reported FROM runs WHERE reported_status IS NULL ORDER BY id")
                == ["queued", "queued", "queued"])
        _ = try await work.store.cancelRun(id: runs[2], now: WorkFixture.at(0))
        let step = try #require(try await work.claim(at: 1))
        #expect(step.runID == runs[1])
        #expect(try await work.outbox(runs[0]) == ["queued", "superseded"])
        #expect(try await work.outbox(runs[1]) == ["queued", "running"])
        #expect(try await work.outbox(runs[2]) == ["queued", "canceled"])
        // A retried run is queued again on the forge: a new deployment.
        _ = try await work.store.retryRun(id: runs[0], now: WorkFixture.at(2))
        #expect(try await work.outbox(runs[0]) == ["queued", "superseded", "queued"])
    }

    @Test(arguments: StoreKind.allCases) func waitingOutARateLimitCountsNoAttempt(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        _ = try await work.record([Self.githubRun(sha: 1, report: ["github-status"])], forge: .github)
        let first = try #require(try await work.store.claimStatusUpdates(owner: "s", now: WorkFixture.at(0), lease: .seconds(60), limit: 1).first)
        try await work.store.statusFailed(
            outboxID: first.outboxID, owner: "s", error: "rate limited", retryAt: WorkFixture.at(1), attempted: false, now: WorkFixture.at(0))
        let again = try #require(try await work.store.claimStatusUpdates(owner: "s", now: WorkFixture.at(1), lease: .seconds(60), limit: 1).first)
        #expect(again.outboxID == first.outboxID && again.attempts == 0)
        try await work.store.statusFailed(outboxID: again.outboxID, owner: "s", error: "502", retryAt: WorkFixture.at(2), now: WorkFixture.at(1))
        let third = try #require(try await work.store.claimStatusUpdates(owner: "s", now: WorkFixture.at(2), lease: .seconds(60), limit: 1).first)
        #expect(third.attempts == 1)
    }

    @Test(arguments: StoreKind.allCases) func aRunsDetailShowsEachUpdateSentPendingOrGivenUp(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let store = work.store
        let runs = try await work.record([Self.githubRun(sha: 1, report: ["github-deployment", "github-status"])], forge: .github)
        let claimed = try await store.claimStatusUpdates(owner: "s", now: WorkFixture.at(1), lease: .seconds(60), limit: 1)
        let first = try #require(claimed.first)
        try await store.statusSent(outboxID: first.outboxID, owner: "s", deploymentID: "9", now: WorkFixture.at(2))
        let second = try #require(try await store.claimStatusUpdates(owner: "s", now: WorkFixture.at(3), lease: .seconds(60), limit: 1).first)
        try await store.statusFailed(outboxID: second.outboxID, owner: "s", error: "GitHub 403: Resource not accessible", retryAt: nil, now: WorkFixture.at(4))
        _ = try await runToEnd(work)
        let updates = try await store.run(id: runs[0]).statusUpdates
        #expect(updates.map { "\($0.reporter) \($0.status) \($0.state.rawValue)" } == [
            "github-deployment queued sent", "github-status queued given-up", "github-deployment running pending",
            "github-status running pending", "github-deployment success pending", "github-status success pending",
        ])
        #expect(updates[0].settledAt == WorkFixture.at(2) && updates[0].attempts == 1)
        #expect(updates[1].lastError == "GitHub 403: Resource not accessible" && updates[1].settledAt == WorkFixture.at(4))
    }

    @Test(arguments: StoreKind.allCases) func aRunWithNoReportersLeavesTheOutboxEmpty(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([Self.githubRun(sha: 1, report: [])], forge: .github)
        _ = try await runToEnd(work)
        #expect(try await work.runStatus(runs[0]) == "succeeded")
        #expect(try await work.allOutbox() == [])
    }

    @Test(arguments: StoreKind.allCases) func aSucceededRunQueuesRunningThenSuccessAndOnlyTheOldestIsDue(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let store = work.store
        let runs = try await work.record([WorkFixture.run(targets: ["backend", "api"])])
        let first = try #require(try await work.claim(at: 0))
        #expect(try await work.outbox(runs[0]) == ["running"])
        try await work.finish(first, at: 1)
        #expect(try await work.outbox(runs[0]) == ["running"])
        let second = try #require(try await work.claim(at: 2))
        try await work.finish(second, at: 3)
        #expect(try await work.outbox(runs[0]) == ["running", "success"])
        #expect(try await work.runStatus(runs[0]) == "succeeded")

        let due = try await store.dueStatusUpdates(now: WorkFixture.at(4), limit: 10)
        let running = try #require(due.first)
        #expect(due.count == 1)
        #expect(running.reporter == "gitlab")
        #expect(running.attempts == 0)
        #expect(
            running.update
                == StatusUpdate(
                    runID: runs[0], project: "42", repository: "acme/shop", rule: "main-to-staging", environment: "staging",
                    sha: WorkFixture.sha(1), ref: "main", tag: false, status: .running, deploymentID: nil, requestedAt: WorkFixture.at(0),
                    requestID: running.outboxID))

        try await store.statusSent(outboxID: running.outboxID, deploymentID: "701", now: WorkFixture.at(5))
        let next = try await store.dueStatusUpdates(now: WorkFixture.at(5), limit: 10)
        #expect(next.map(\.update.status) == [.success])
        #expect(next.first?.update.deploymentID == "701")
        #expect(next.first.map { $0.outboxID > running.outboxID } == true)

        try await store.statusSent(outboxID: try #require(next.first).outboxID, deploymentID: "701", now: WorkFixture.at(6))
        #expect(try await store.dueStatusUpdates(now: WorkFixture.at(6), limit: 10).isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func aFailedStepFailsTheRunSkipsTheRestAndQueuesFailed(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run(targets: ["backend", "api", "smoke"])])
        let first = try #require(try await work.claim(at: 0))
        try await work.finish(first, at: 1)
        let second = try #require(try await work.claim(at: 2))

        try await work.finish(second, .failed(reason: "CodeDeploy: deployment d-1 failed"), at: 3)

        let detail = try await work.store.run(id: runs[0])
        #expect(detail.summary.status == "failed")
        #expect(detail.steps.map(\.status) == ["succeeded", "failed", "skipped"])
        #expect(detail.steps[1].error == "CodeDeploy: deployment d-1 failed")
        #expect(detail.steps[1].finishedAt == WorkFixture.at(3))
        #expect(try await work.outbox(runs[0]) == ["running", "failed"])
        #expect(try await work.claim(at: 4) == nil)
    }

    @Test(arguments: StoreKind.allCases) func aCanceledStepCancelsTheRun(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        try await work.record([WorkFixture.run(targets: ["backend", "api"])])
        let runID = try await runToEnd(work, .canceled(reason: "stopped in the console"))
        #expect(try await work.stepStatuses(runID) == ["canceled", "skipped"])
        #expect(try await work.runStatus(runID) == "canceled")
        #expect(try await work.outbox(runID) == ["running", "canceled"])
    }

    @Test(arguments: StoreKind.allCases) func tagsAndProjectsWithoutAnIDAreReportedByName(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let event = WorkFixture.event(refKind: .tag, refName: "v1.2.0", projectID: nil)
        try await work.record([WorkFixture.run("release", environment: "production", event: event)])
        _ = try await runToEnd(work)

        let due = try await work.store.dueStatusUpdates(now: WorkFixture.at(2), limit: 10)

        #expect(due.map(\.update.project) == ["acme/shop"])
        #expect(due.map(\.update.ref) == ["v1.2.0"])
        #expect(due.map(\.update.tag) == [true])
        #expect(due.map(\.update.environment) == ["production"])
    }

    @Test(arguments: StoreKind.allCases) func dueUpdatesAreOldestFirstOnePerRunAndLimited(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([
            WorkFixture.run("a", targets: ["t1"]), WorkFixture.run("b", targets: ["t2"]),
        ])
        let first = try #require(try await work.claim(at: 0))
        let second = try #require(try await work.claim(at: 0))
        try await work.finish(second, at: 1)
        try await work.finish(first, at: 2)
        #expect(try await work.allOutbox() == ["\(runs[0]):running", "\(runs[1]):running", "\(runs[1]):success", "\(runs[0]):success"])

        let due = try await work.store.dueStatusUpdates(now: WorkFixture.at(3), limit: 10)
        #expect(due.map(\.update.runID) == runs)
        #expect(due.map(\.update.status) == [.running, .running])
        #expect(try await work.store.dueStatusUpdates(now: WorkFixture.at(3), limit: 1).map(\.update.runID) == [runs[0]])
        #expect(try await work.store.dueStatusUpdates(now: WorkFixture.at(3), limit: 0).isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func aFailedSendIsRetriedAtRetryAt(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let store = work.store
        try await work.record([WorkFixture.run()])
        let runID = try await runToEnd(work)
        let running = try #require(try await store.dueStatusUpdates(now: WorkFixture.at(2), limit: 10).first)

        try await store.statusFailed(
            outboxID: running.outboxID, error: "HTTP 503", retryAt: WorkFixture.at(60), now: WorkFixture.at(2))

        #expect(try await store.dueStatusUpdates(now: WorkFixture.at(59.999), limit: 10).isEmpty)
        let again = try await store.dueStatusUpdates(now: WorkFixture.at(60), limit: 10)
        #expect(again.map(\.outboxID) == [running.outboxID])
        #expect(again.map(\.attempts) == [1])
        #expect(try await work.testStore.strings("SELECT last_error FROM status_outbox WHERE id = \(running.outboxID)") == ["HTTP 503"])
        #expect(try await work.outbox(runID) == ["running", "success"])
    }

    @Test(arguments: StoreKind.allCases) func givingUpLetsTheRunsNextUpdateGoAndCreateItsOwnDeployment(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let store = work.store
        try await work.record([WorkFixture.run()])
        _ = try await runToEnd(work)
        let running = try #require(try await store.dueStatusUpdates(now: WorkFixture.at(2), limit: 10).first)

        try await store.statusFailed(outboxID: running.outboxID, error: "HTTP 403 Forbidden", retryAt: nil, now: WorkFixture.at(3))

        let due = try await store.dueStatusUpdates(now: WorkFixture.at(3), limit: 10)
        #expect(due.map(\.update.status) == [.success])
        // The deployment `running` would have created does not exist: `success` creates one.
        #expect(due.first?.update.deploymentID == nil)
        let row = try await work.testStore.strings(
            """
            SELECT COALESCE(CAST(sent_at AS TEXT), '-') || ' ' || CAST(abandoned_at AS TEXT) || ' ' || last_error || ' ' || CAST(attempts AS TEXT)
            FROM status_outbox WHERE id = \(running.outboxID)
            """)
        #expect(row == ["- 1700000103000 HTTP 403 Forbidden 1"])
        // Giving up twice, or failing a row given up, changes nothing.
        try await store.statusFailed(outboxID: running.outboxID, error: "again", retryAt: WorkFixture.at(9), now: WorkFixture.at(4))
        #expect(try await store.dueStatusUpdates(now: WorkFixture.at(10), limit: 10).map(\.update.status) == [.success])
    }

    @Test(arguments: StoreKind.allCases) func givingUpATerminalUpdateKeepsTheDeploymentID(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let store = work.store
        try await work.record([WorkFixture.run()])
        _ = try await runToEnd(work, .failed(reason: "boom"))
        let running = try #require(try await store.dueStatusUpdates(now: WorkFixture.at(2), limit: 10).first)
        try await store.statusSent(outboxID: running.outboxID, deploymentID: "55", now: WorkFixture.at(2))
        let failed = try #require(try await store.dueStatusUpdates(now: WorkFixture.at(2), limit: 10).first)
        #expect(failed.update.deploymentID == "55")

        try await store.statusFailed(outboxID: failed.outboxID, error: "HTTP 400", retryAt: nil, now: WorkFixture.at(3))

        #expect(try await store.dueStatusUpdates(now: WorkFixture.at(3), limit: 10).isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func sendingTwiceIsHarmlessAndUnknownRowsAreNotFound(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let store = work.store
        try await work.record([WorkFixture.run()])
        _ = try await runToEnd(work)
        let running = try #require(try await store.dueStatusUpdates(now: WorkFixture.at(2), limit: 10).first)
        try await store.statusSent(outboxID: running.outboxID, deploymentID: "1", now: WorkFixture.at(2))
        try await store.statusSent(outboxID: running.outboxID, deploymentID: "1", now: WorkFixture.at(3))
        #expect(try await store.dueStatusUpdates(now: WorkFixture.at(3), limit: 10).map(\.update.status) == [.success])

        await #expect(throws: StoreError.notFound("status update 999")) {
            try await store.statusSent(outboxID: 999, deploymentID: "1", now: WorkFixture.at(3))
        }
        await #expect(throws: StoreError.notFound("status update 999")) {
            try await store.statusFailed(outboxID: 999, error: "x", retryAt: nil, now: WorkFixture.at(3))
        }
    }

    @Test(arguments: StoreKind.allCases, [Forge.github, .gitea, .forgejo, .bitbucket])
    func runsFromOtherForgesQueueNothing(_ kind: StoreKind, forge: Forge) async throws {
        let work = try await WorkFixture(kind)
        let event = WorkFixture.event(forge: forge)
        try await work.record([WorkFixture.run(targets: ["a", "b"], event: event)], forge: forge)
        let first = try #require(try await work.claim(at: 0))
        try await work.finish(first, at: 1)
        let second = try #require(try await work.claim(at: 2))
        try await work.finish(second, .failed(reason: "no"), at: 3)

        #expect(try await work.runStatus(first.runID) == "failed")
        #expect(try await work.allOutbox().isEmpty)
        #expect(try await work.store.dueStatusUpdates(now: WorkFixture.at(4), limit: 10).isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func gitlabRunsWithoutAnEnvironmentQueueNothing(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        try await work.record([WorkFixture.run(environment: nil)])
        _ = try await runToEnd(work)
        #expect(try await work.allOutbox().isEmpty)
    }
}
