import BridgeCore
import BridgeTestSupport
import Foundation
import Glibc
import Synchronization
import Testing

@testable import BridgeProviders

/// What keeps a command step to one copy at a time across crashes of the bridge, and its outcome from being lost:
/// the process recorded before the program runs, an earlier copy ended before the next, the outcome recorded at exit.
@Suite struct CommandCrashSafetyTests {
    /// A script that appends `<name>` to `events` when it starts, `<name>-term` on SIGTERM and `<name>-end` when done.
    static func copy(_ name: String, seconds: Int = 100, ignoreTerm: Bool = false) -> String {
        let trap = ignoreTerm ? "trap '' TERM" : "trap 'echo \(name)-term >> events; exit 143' TERM"
        return "echo $$ > \(name).pid; \(trap); echo \(name) >> events; sleep \(seconds) & wait; echo \(name)-end >> events"
    }

    @Test func theProgramRunsOnlyOnceItsProcessIsRecorded() async throws {
        let directory = try TemporaryDirectory()
        let ran = directory.file("ran")
        let journal = RecordingJournal(onRecordProcess: { process in
            // The child exists, leads its own group and has not run the program yet, however long the record takes.
            #expect(ProcessTable.entry(process.pid)?.group == process.pid)
            try? await Task.sleep(for: .milliseconds(300))
            #expect(!FileManager.default.fileExists(atPath: ran))
        })
        let request = CommandFixtures.request(["run": CommandFixtures.shell("echo $$ > pid; touch ran"), "dir": .string(directory.path)])
        let start = try await CommandFixtures.deployer().start(request, journal: journal)
        #expect(start.status == .succeeded)
        #expect(FileManager.default.fileExists(atPath: ran))
        let recorded = try #require(journal.processes.first)
        #expect(journal.processes.count == 1)
        #expect(try await directory.pids("pid", count: 1) == [recorded.pid])
        #expect(recorded.attempt == 2 && recorded.bootID == ProcessTable.bootID() && recorded.startTicks > 0)
    }

    @Test func aProcessThatCannotBeRecordedNeverRunsItsProgram() async throws {
        let directory = try TemporaryDirectory()
        let journal = RecordingJournal(onRecordProcess: { _ throws(ProviderError) in throw .retryable("database is locked") })
        let request = CommandFixtures.request(["run": CommandFixtures.shell("touch ran"), "dir": .string(directory.path)])
        let error = await #expect(throws: ProviderError.self) { try await CommandFixtures.deployer().start(request, journal: journal) }
        #expect(error == .retryable("database is locked"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("ran")))
        // The child was told not to run it, and reaped: nothing is left of it.
        let pid = try #require(journal.processes.first?.pid)
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
    }

    @Test func theOutcomeIsRecordedBeforeOutputHeldOpenElsewhereIsDrained() async throws {
        let directory = try TemporaryDirectory()
        let returned = Atomic(false)
        let holderAliveAtOutcome = Mutex<Bool?>(nil)
        let holderFile = directory.file("holder")
        let journal = RecordingJournal(onRecordOutcome: {
            let text = try? String(contentsOfFile: holderFile, encoding: .utf8)
            let holder = text.flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            holderAliveAtOutcome.withLock { $0 = holder.map(isAlive) }
            let hasReturned = returned.load(ordering: .relaxed)
            #expect(!hasReturned)
        })
        // A process outside the command's group keeps its output open: the drain waits for it, the outcome does not.
        let request = CommandFixtures.request([
            "run": CommandFixtures.shell(
                "setsid sh -c 'echo $$ > holder; exec sleep 120' & while [ ! -s holder ]; do sleep 0.01; done; echo done"),
            "dir": .string(directory.path),
        ])
        let start = try await CommandFixtures.deployer().start(request, journal: journal)
        returned.store(true, ordering: .relaxed)
        let holder = try await directory.pids("holder", count: 1)
        defer { holder.forEach { _ = kill($0, SIGKILL) } }
        #expect(journal.outcomes == [RecordingJournal.Outcome(status: .succeeded, log: "done\n")])
        #expect(holderAliveAtOutcome.withLock { $0 } == true)
        // What the journal recorded is not returned again: only what came after.
        #expect(start.status == .succeeded)
        #expect(start.log == "\n… (output still open in a process outside the command's process group; stopped reading)\n")
    }

    @Test func noOutcomeIsRecordedEarlyForATimeout() async throws {
        let journal = RecordingJournal()
        let request = CommandFixtures.request(["run": CommandFixtures.shell("echo started; sleep 100"), "timeout": .string("300ms")])
        let start = try await CommandFixtures.deployer().start(request, journal: journal)
        #expect(journal.outcomes.isEmpty)
        #expect(start.status == .failed(reason: "timed out after 300ms; process group killed"))
        #expect(start.log == "started\n")
    }

    @Test(arguments: [false, true])
    func anEarlierCopyStillRunningIsStoppedBeforeTheCommandRunsAgain(ignoresTerm: Bool) async throws {
        let directory = try TemporaryDirectory()
        let earlier = try await EarlierProcess.start(Self.copy("first", ignoreTerm: ignoresTerm), in: directory)
        let journal = RecordingJournal(earlierProcess: earlier.identity)
        let request = CommandFixtures.request(["run": CommandFixtures.shell(Self.copy("second", seconds: 0)), "dir": .string(directory.path)])
        let start = try await CommandFixtures.deployer(grace: .milliseconds(300)).start(request, journal: journal)
        #expect(start.status == .succeeded)
        // Never two at once: the first copy was gone before the second began.
        let expected = ignoresTerm ? ["first", "second", "second-end"] : ["first", "first-term", "second", "second-end"]
        #expect(try directory.lines("events") == expected)
        #expect(!isAlive(earlier.identity.pid))
        earlier.reap()
        let how = ignoresTerm ? " and ignored SIGTERM: killed with SIGKILL" : ": stopped with SIGTERM"
        #expect(journal.notes.count == 1)
        #expect(journal.notes.first?.contains("attempt 1 started (pid \(earlier.identity.pid), at ") == true)
        #expect(journal.notes.first?.hasSuffix("was still running after a restart\(how) before attempt 2") == true)
    }

    /// How a recorded process may differ from the live one with its pid.
    enum Mismatch: String, CaseIterable, Sendable {
        /// The pid was reused: another process, started at another time.
        case startTime
        /// The record is from before a reboot.
        case boot
    }

    @Test(arguments: Mismatch.allCases)
    func aLiveProcessThatIsNotTheRecordedOneIsLeftAlone(_ mismatch: Mismatch) async throws {
        let directory = try TemporaryDirectory()
        let bystander = try await EarlierProcess.start("echo $$ > first.pid; exec sleep 100", in: directory)
        defer { bystander.stop() }
        var recorded = bystander.identity
        switch mismatch {
        case .startTime: recorded.startTicks -= 1
        case .boot: recorded.bootID = "00000000-0000-0000-0000-000000000000"
        }
        let journal = RecordingJournal(earlierProcess: recorded)
        let request = CommandFixtures.request(["run": CommandFixtures.run("true")])
        #expect(try await CommandFixtures.deployer().start(request, journal: journal).status == .succeeded)
        #expect(isAlive(bystander.identity.pid))
        let fate =
            switch mismatch {
            case .startTime: "had ended before attempt 2, but its outcome was never recorded: the command runs again"
            case .boot: "ran before the machine restarted: the command runs again"
            }
        #expect(journal.notes.count == 1 && journal.notes.first?.hasSuffix(fate) == true)
    }
}

/// A command started the way the bridge starts one, then left to run on its own, as a crashed bridge leaves it.
struct EarlierProcess {
    let identity: LocalProcess

    /// Runs `script` with `sh`, in a process group of its own, in `directory`; it must write its pid to `first.pid`.
    static func start(_ script: String, in directory: TemporaryDirectory) async throws -> EarlierProcess {
        let child = try ChildProcess.spawn(
            path: "/bin/sh", arguments: ["sh", "-c", script], environment: ["PATH=/usr/bin:/bin"], directory: directory.path
        ).release()
        // Its reader gone, as with a dead bridge: the script writes to files only.
        child.closeOutput()
        let pid = try #require(try await directory.pids("first.pid", count: 1).first)
        let identity = try #require(ProcessTable.identity(of: pid, attempt: 1, startedAt: Date()))
        return EarlierProcess(identity: identity)
    }

    /// Collects the exit status once it is gone (the test process is its parent).
    func reap() {
        var status: Int32 = 0
        _ = waitpid(identity.pid, &status, WNOHANG)
    }

    /// Kills its group and waits for it.
    func stop() {
        _ = kill(-identity.pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(identity.pid, &status, 0)
    }
}
