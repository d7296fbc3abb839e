import BridgeCore
import BridgeServer
import BridgeStore
import Foundation
import Glibc
import Synchronization
import Testing

@testable import BridgeProviders

/// The worker with the real `command` provider on a real database: what a crash of the bridge leaves behind, and how
/// soon a command's outcome is on record.
@Suite struct CommandWorkerTests {
    static func commandStep(_ script: String, target: String = "deploy") -> PlannedStep {
        PlannedStep(target: target, provider: "command", parameters: .object(["run": .array([.string("/bin/sh"), .string("-c"), .string(script)])]))
    }

    static func deployer(outputDrainLimit: Duration = .seconds(1)) -> CommandDeployer {
        CommandDeployer(
            resolver: ProcessSecretResolver(environment: [:]), environment: ["PATH": "/usr/bin:/bin"], terminationGrace: .seconds(2),
            outputDrainLimit: outputDrainLimit)
    }

    @Test func aCommandsOutcomeIsOnRecordBeforeOutputHeldOpenElsewhereIsDrained() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let holder = harness.directory.appendingPathComponent("holder").path
        // The command exits at once; a process it moved out of its group keeps the output pipe open, which the
        // provider drains for up to a second before it gives up on it.
        // `$$$$`: the worker renders templates, in which `$$` is a literal `$`.
        let run = try await harness.queueRun(steps: [
            Self.commandStep("setsid sh -c 'echo $$$$ > \(holder); exec sleep 60' & while [ ! -s \(holder) ]; do sleep 0.01; done; echo done")
        ])
        let firstSeen = LogAtSuccess()
        try await harness.runWorker(deployers: [Self.deployer()]) {
            let step = try #require(try await harness.store.run(id: run).steps.first)
            if step.status == "succeeded" { firstSeen.keep(step.log) }
            return step.log?.contains("stopped reading") == true
        }
        if let pid = pid_t((try? String(contentsOfFile: holder, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
            _ = kill(pid, SIGKILL)
        }
        // When the step first showed as succeeded, the drain had not ended yet: the outcome did not wait for it.
        #expect(firstSeen.log == "done\n")
        #expect(try await harness.store.run(id: run).steps.first?.log?.hasPrefix("done\n\n… (output still open") == true)
    }

    /// The step a slot claims in the commit that records its last step's end waits while that step's provider drains
    /// output held open elsewhere: the slot renews its lease meanwhile and before it runs it, so another slot never
    /// takes it over as expired and runs it a second time. The drain (3 s here) outlasts the lease (2.4 s), so with the
    /// lease renewed only when the slot took the step (the build before `keepHandoff`), the other slot ran it first,
    /// on a loaded machine and an idle one alike.
    @Test func aStepClaimedAsTheLastOneEndedIsRunOnceThoughTheLastOnesCleanUpOutlastsItsLease() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let holder = harness.directory.appendingPathComponent("holder").path
        let events = harness.directory.appendingPathComponent("events").path
        let run = try await harness.queueRun(steps: [
            Self.commandStep("setsid sh -c 'echo $$$$ > \(holder); exec sleep 60' & while [ ! -s \(holder) ]; do sleep 0.01; done", target: "first"),
            Self.commandStep("echo \"attempt $GITOPS_ATTEMPT\" >> \(events); sleep 0.6", target: "second"),
        ])
        var configuration = WorkerHarness.configuration(slots: 2)
        // Shorter than the drain: unrenewed while the first step's provider drains, the second step's lease expires.
        configuration.lease = .milliseconds(2400)
        try await harness.runWorker(deployers: [Self.deployer(outputDrainLimit: .seconds(3))], configuration: configuration) {
            try await harness.runStatus(run) == "succeeded"
        }
        if let pid = pid_t((try? String(contentsOfFile: holder, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
            _ = kill(pid, SIGKILL)
        }
        #expect(try String(contentsOfFile: events, encoding: .utf8) == "attempt 1\n")
        #expect(try await harness.store.run(id: run).steps.map(\.attempts) == [1, 1])
    }

    @Test func aRunningCommandsOutputIsOnRecordWhileItRunsAndItsLastWordsWhenItIsCanceled() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let run = try await harness.queueRun(steps: [
            Self.commandStep("trap 'echo stopping; exit 143' TERM; echo first line; sleep 60 & wait")
        ])
        let requested = Mutex(false)
        try await harness.runWorker(deployers: [Self.deployer()]) {
            let step = try #require(try await harness.store.run(id: run).steps.first)
            // The first line is on record while the command still runs: the dashboard's log follows it.
            if step.status == "running", step.log == "first line\n", !requested.withLock({ $0 }) {
                _ = try await harness.store.cancelRun(id: run, now: Date())
                requested.withLock { $0 = true }
            }
            return step.status == "canceled"
        }
        let step = try #require(try await harness.store.run(id: run).steps.first)
        #expect(requested.withLock { $0 })
        // What the command wrote as it was stopped is kept with the outcome.
        #expect(step.log == "first line\nstopping\n")
        #expect(step.error == "canceled at an operator's request")
    }

    @Test func aResumedCommandStepStopsTheCopyACrashedBridgeLeftRunningFirst() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let events = harness.directory.appendingPathComponent("events").path
        let pidFile = harness.directory.appendingPathComponent("first.pid").path
        let script = """
            echo "start-$GITOPS_ATTEMPT" >> \(events); trap 'echo "term-$GITOPS_ATTEMPT" >> \(events); exit 143' TERM
            sleep 1 & wait; echo "end-$GITOPS_ATTEMPT" >> \(events)
            """
        let run = try await harness.queueRun(steps: [Self.commandStep(script)])
        // A bridge claimed the step, recorded the command's process and died: the command runs on, in its own group.
        let claimed = try #require(try await harness.store.claimNextStep(owner: "crashed", now: Date(), lease: .milliseconds(500)))
        let first = try await OrphanedCommand.start(
            "echo $$ > \(pidFile); echo start-1 >> \(events); trap 'echo term-1 >> \(events); exit 143' TERM; "
                + "sleep 60 & wait; echo end-1 >> \(events)",
            pidFile: pidFile)
        try await harness.store.recordProcess(stepID: claimed.stepID, owner: "crashed", process: first.identity)

        try await harness.runWorker(deployers: [Self.deployer()]) { try await harness.runStatus(run) == "succeeded" }

        first.reap()
        let lines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == ["start-1", "term-1", "start-2", "end-2"])
        let detail = RecordFormatter.detail(try await harness.store.run(id: run))
        #expect(detail.contains("deploy (command)  succeeded, attempts 2"))
        #expect(detail.contains("note: the copy of this command that attempt 1 started (pid \(first.identity.pid), at "))
        #expect(detail.contains("was still running after a restart: stopped with SIGTERM before attempt 2"))
    }
}

/// The log of a step the first time it was seen succeeded.
final class LogAtSuccess: Sendable {
    private let value = Mutex<String??>(nil)

    func keep(_ log: String?) {
        value.withLock { if $0 == nil { $0 = .some(log) } }
    }

    var log: String? { value.withLock { $0 ?? nil } }
}

/// A command a crashed bridge left behind: started as the `command` provider starts one (`sh -c script` leading a
/// process group of its own, signals at their defaults), then left to run with no one reading its output.
struct OrphanedCommand {
    let identity: LocalProcess

    static func start(_ script: String, pidFile: String) async throws -> OrphanedCommand {
        let child = try ChildProcess.spawn(path: "/bin/sh", arguments: ["sh", "-c", script], environment: [], directory: nil).release()
        child.closeOutput()
        for _ in 0..<500 {
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                let identity = ProcessTable.identity(of: pid, attempt: 1, startedAt: Date())
            {
                return OrphanedCommand(identity: identity)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw HarnessError("the orphaned command did not start")
    }

    /// Collects its exit status once it is gone (the test process is its parent).
    func reap() {
        var status: Int32 = 0
        _ = waitpid(identity.pid, &status, WNOHANG)
    }
}
