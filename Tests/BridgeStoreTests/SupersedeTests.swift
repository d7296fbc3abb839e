import BridgeCore
import BridgeStore
import Foundation
import Testing

@Suite("Supersede")
struct SupersedeTests {
    @Test(arguments: StoreKind.allCases) func aNewerRunOfTheSameRuleAndEnvironmentSupersedesAQueuedOne(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([
            WorkFixture.run(sha: WorkFixture.sha(1), targets: ["backend", "api"]),
            WorkFixture.run(sha: WorkFixture.sha(2), targets: ["backend", "api"]),
        ])

        let claimed = try #require(try await work.claim(at: 0))

        #expect(claimed.runID == runs[1])
        let older = try await work.store.run(id: runs[0])
        #expect(older.summary.status == "superseded")
        #expect(older.summary.updatedAt == WorkFixture.at(0))
        #expect(older.steps.map(\.status) == ["canceled", "canceled"])
        #expect(try await work.outbox(runs[0]).isEmpty)
        #expect(try await work.outbox(runs[1]) == ["running"])
        #expect(try await work.store.runs(limit: 10, status: "superseded").map(\.id) == [runs[0]])
    }

    @Test(arguments: StoreKind.allCases) func onlyTheNewestOfSeveralQueuedRunsIsLeft(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record((1...4).map { WorkFixture.run(sha: WorkFixture.sha($0)) })

        let claimed = try #require(try await work.claim(at: 0))

        #expect(claimed.runID == runs[3])
        for run in runs.dropLast() {
            #expect(try await work.runStatus(run) == "superseded")
        }
        #expect(try await work.claim(at: 0) == nil)
    }

    @Test(arguments: StoreKind.allCases) func runsOfOtherEnvironmentsOrRulesAreNotSuperseded(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([
            WorkFixture.run("deploy", sha: WorkFixture.sha(1), environment: "staging"),
            WorkFixture.run("deploy", sha: WorkFixture.sha(2), environment: "production"),
            WorkFixture.run("other", sha: WorkFixture.sha(3), environment: "staging"),
        ])

        // All on one target: they run one after the other, oldest first.
        var claimed: [Int64] = []
        for second in 0..<3 {
            let step = try #require(try await work.claim(at: Double(second)))
            claimed.append(step.runID)
            try await work.finish(step, at: Double(second) + 0.5)
        }

        #expect(claimed == runs)
        for run in runs {
            #expect(try await work.runStatus(run) == "succeeded")
        }
    }

    @Test(arguments: StoreKind.allCases) func noEnvironmentEqualsNoEnvironment(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([
            WorkFixture.run(sha: WorkFixture.sha(1), environment: nil), WorkFixture.run(sha: WorkFixture.sha(2), environment: nil),
            WorkFixture.run(sha: WorkFixture.sha(3), environment: "staging"),
        ])

        _ = try await work.claim(at: 0)

        #expect(try await work.runStatus(runs[0]) == "superseded")
        #expect(try await work.runStatus(runs[1]) == "running")
        #expect(try await work.runStatus(runs[2]) == "queued")
    }

    @Test(arguments: StoreKind.allCases) func aStartedRunIsNeverSuperseded(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run(sha: WorkFixture.sha(1), targets: ["backend", "api"])])
        let first = try #require(try await work.claim(at: 0))
        try await work.record([WorkFixture.run(sha: WorkFixture.sha(2), targets: ["backend", "api"])])
        try await work.finish(first, at: 1)

        let next = try #require(try await work.claim(at: 2))

        #expect(next.runID == runs[0])
        #expect(next.position == 2)
        #expect(try await work.runStatus(runs[0]) == "running")
    }

    @Test(arguments: StoreKind.allCases) func aQueuedRunIsNotSupersededByACanceledOne(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([WorkFixture.run(sha: WorkFixture.sha(1)), WorkFixture.run(sha: WorkFixture.sha(2))])
        _ = try await work.store.cancelRun(id: runs[1], now: WorkFixture.at(0))

        let claimed = try #require(try await work.claim(at: 1))

        #expect(claimed.runID == runs[0])
    }

    /// A superseded run waits for the same resource as the run that supersedes it: it is superseded when a claim's walk
    /// reaches it, though none of its steps could be taken, and the newer run is taken once the resource is free.
    @Test(arguments: StoreKind.allCases) func aSupersededRunIsSupersededWhileItsResourceIsBusy(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let busy = try await work.record([WorkFixture.run("other", sha: WorkFixture.sha(1), environment: "production")])
        let running = try #require(try await work.claim(at: 0))
        #expect(running.runID == busy[0])
        let runs = try await work.record([WorkFixture.run(sha: WorkFixture.sha(2)), WorkFixture.run(sha: WorkFixture.sha(3))])

        #expect(try await work.claim(at: 1) == nil)

        #expect(try await work.runStatus(runs[0]) == "superseded")
        #expect(try await work.runStatus(runs[1]) == "queued")
        try await work.finish(running, at: 2)
        #expect(try await work.claim(at: 3)?.runID == runs[1])
    }

    /// Claims supersede the runs their walk meets, oldest first, and never read every queued run: a run of another
    /// environment that can be taken is taken first, and a superseded run behind it is superseded by the next claim.
    @Test(arguments: StoreKind.allCases) func aClaimSupersedesOnlyTheRunsBeforeTheStepItTakes(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await work.record([
            WorkFixture.run(sha: WorkFixture.sha(1), environment: "production", targets: ["api"]),
            WorkFixture.run(sha: WorkFixture.sha(2)), WorkFixture.run(sha: WorkFixture.sha(3)),
        ])

        #expect(try await work.claim(at: 0)?.runID == runs[0])
        #expect(try await work.runStatus(runs[1]) == "queued")
        #expect(try await work.claim(at: 1)?.runID == runs[2])
        #expect(try await work.runStatus(runs[1]) == "superseded")
    }

    /// A claim that meets a superseded run supersedes the superseded runs of its rule and environment together, at most
    /// `StoreSQL.supersedeBatch` at a time, each as if alone: its steps canceled, the claim's time recorded, a forge told
    /// of its queue told it was superseded. A run of another environment waiting among them is not touched, and is
    /// taken when the walk reaches it.
    @Test(arguments: StoreKind.allCases) func supersededRunsAreSupersededTogether(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        var planned: [PlannedRun] = (1...300).map { index in
            var run = WorkFixture.run(sha: WorkFixture.sha(index), targets: ["backend", "api"])
            if index % 3 == 0 { run.report = RunReport(reporters: ["github-status"]) }
            return run
        }
        planned.insert(WorkFixture.run(sha: WorkFixture.sha(1000), environment: "production", targets: ["other"]), at: 100)
        var staging = try await work.record(planned)
        let production = staging.remove(at: 100)
        let newest = staging.removeLast()

        // The first batch of 256, then the run of the other environment, which the walk reaches next.
        #expect(try await work.claim(at: 0)?.runID == production)
        #expect(try await work.runStatus(staging[255]) == "superseded")
        #expect(try await work.runStatus(staging[256]) == "queued")
        // The rest, then the newest run.
        #expect(try await work.claim(at: 1)?.runID == newest)

        for (index, run) in staging.enumerated() {
            let record = try await work.store.run(id: run)
            #expect(record.summary.status == "superseded")
            #expect(record.summary.updatedAt == WorkFixture.at(index < 256 ? 0 : 1))
            #expect(record.steps.map(\.status) == ["canceled", "canceled"])
            #expect(try await work.outbox(run) == ((index + 1) % 3 == 0 ? ["queued", "superseded"] : []))
        }
        #expect(try await work.runStatus(production) == "running")
        #expect(try await work.claim(at: 2) == nil)
    }
}
