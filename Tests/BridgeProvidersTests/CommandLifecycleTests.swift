import BridgeCore
import BridgeProviders
import BridgeTestSupport
import Foundation
import Glibc
import Testing

/// Timeouts, cancellation and clean-up: nothing a command starts outlives its step.
@Suite struct CommandLifecycleTests {
    /// A script that starts a background `sleep` and a foreground one, writing both pids (and its own) to `pids`.
    static let sleeper = "sleep 1000 & echo $! >> pids; sleep 1000 & echo $! >> pids; echo $$ >> pids; echo started; wait"

    @Test func timeoutKillsTheWholeProcessGroup() async throws {
        let directory = try TemporaryDirectory()
        let request = CommandFixtures.request([
            "run": CommandFixtures.shell(Self.sleeper), "dir": .string(directory.path), "timeout": .string("500ms"),
        ])
        let clock = ContinuousClock()
        let began = clock.now
        let start = try await CommandFixtures.deployer().start(request)
        // Far below the leftover `sleep 1000`, far above any delay a loaded CI machine adds.
        #expect(clock.now - began < .seconds(60))
        #expect(start.status == .failed(reason: "timed out after 500ms; process group killed"))
        #expect(start.log == "started\n")
        let pids = try await directory.pids("pids", count: 3)
        #expect(await allGone(pids))
    }

    @Test func namesTheDefaultTimeout() async throws {
        let deployer = CommandDeployer(resolver: TestSecrets(), environment: CommandFixtures.bridgeEnvironment, defaultTimeout: .milliseconds(300))
        let start = try await deployer.start(CommandFixtures.request(["run": CommandFixtures.run("sleep", "1000")]))
        #expect(start.status == .failed(reason: "timed out after 300ms; process group killed"))
    }

    @Test func killsWhatIgnoresTerminationAfterTheGracePeriod() async throws {
        let directory = try TemporaryDirectory()
        let request = CommandFixtures.request([
            "run": CommandFixtures.shell("trap '' TERM; " + Self.sleeper), "dir": .string(directory.path),
            "timeout": .string("300ms"),
        ])
        let clock = ContinuousClock()
        let began = clock.now
        let start = try await CommandFixtures.deployer(grace: .milliseconds(400)).start(request)
        #expect(clock.now - began >= .milliseconds(700))
        #expect(start.status == .failed(reason: "timed out after 300ms; process group killed"))
        #expect(await allGone(try await directory.pids("pids", count: 3)))
    }

    @Test func cancelingTheTaskKillsTheGroupAndReportsCanceled() async throws {
        let directory = try TemporaryDirectory()
        let request = CommandFixtures.request(["run": CommandFixtures.shell(Self.sleeper), "dir": .string(directory.path)])
        let deployer = CommandFixtures.deployer()
        let task = Task { try await deployer.start(request) }
        let pids = try await directory.pids("pids", count: 3)
        #expect(pids.allSatisfy(isAlive))
        task.cancel()
        let start = try await task.value
        #expect(start.status == .canceled(reason: "canceled; process group killed"))
        #expect(start.log == "started\n")
        #expect(await allGone(pids))
    }

    @Test func doesNotStartWhenAlreadyCanceled() async throws {
        let directory = try TemporaryDirectory()
        let request = CommandFixtures.request(["run": CommandFixtures.run("touch", "ran"), "dir": .string(directory.path)])
        let deployer = CommandFixtures.deployer()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await deployer.start(request)
        }
        let start = try await task.value
        #expect(start.status == .canceled(reason: "canceled before the command started"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("ran")))
    }

    @Test func killsWhatTheCommandLeftRunning() async throws {
        let directory = try TemporaryDirectory()
        let request = CommandFixtures.request([
            "run": CommandFixtures.shell("sleep 1000 & echo $! > pids; sleep 1000 >/dev/null 2>&1 & echo $! >> pids; echo done"),
            "dir": .string(directory.path),
        ])
        let clock = ContinuousClock()
        let began = clock.now
        let start = try await CommandFixtures.deployer().start(request)
        #expect(clock.now - began < .seconds(60))  // never waits for the leftover `sleep 1000`
        #expect(start.status == .succeeded)
        #expect(start.log == "done\n")
        #expect(await allGone(try await directory.pids("pids", count: 2)))
    }

    @Test func stopsReadingOutputHeldOpenOutsideTheGroup() async throws {
        let directory = try TemporaryDirectory()
        // setsid leaves the process group, keeping the output pipe: the step must still end. The command waits for
        // the pid, written after setsid, so the clean-up of its group cannot catch the process before it left.
        let request = CommandFixtures.request([
            "run": CommandFixtures.shell("setsid sh -c 'echo $$ > pids; exec sleep 120' & while [ ! -s pids ]; do sleep 0.01; done; echo done"),
            "dir": .string(directory.path),
        ])
        let clock = ContinuousClock()
        let began = clock.now
        let start = try await CommandFixtures.deployer().start(request)
        let pids = try await directory.pids("pids", count: 1)
        defer { pids.forEach { _ = kill($0, SIGKILL) } }
        #expect(clock.now - began < .seconds(60))  // never waits for the leftover `sleep 120`
        #expect(start.status == .succeeded)
        #expect(start.log.hasPrefix("done\n"))
        #expect(start.log.hasSuffix("(output still open in a process outside the command's process group; stopped reading)\n"))
    }

    @Test func inheritsNoDescriptorBeyondTheStandardThree() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("open.txt", "x")
        // Opened without O_CLOEXEC, as a careless library might.
        let descriptor = open(file, O_RDONLY)
        try #require(descriptor > 2)
        defer { close(descriptor) }
        let request = CommandFixtures.request([
            "run": CommandFixtures.shell("[ -e /proc/$$/fd/\(descriptor) ] && echo inherited; ls /proc/$$/fd")
        ])
        let start = try await CommandFixtures.deployer().start(request)
        #expect(start.log == "0\n1\n2\n")
    }

    @Test func resetsSignalsTheServerIgnores() async throws {
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        // `yes` dies of SIGPIPE, silently, when head stops reading; with SIGPIPE ignored it would complain of EPIPE.
        // The mask covers the standard signals 1-31 (glibc keeps its internal real-time signals 32 and 33 ignored).
        let request = CommandFixtures.request([
            "run": CommandFixtures.shell("yes | head -n 1; mask=$(grep SigIgn /proc/$$/status | cut -f2); echo $((0x$mask & 0x7fffffff))")
        ])
        let start = try await CommandFixtures.deployer().start(request)
        #expect(start.log == "y\n0\n")
    }

    @Test func runsOneProcessGroupPerCommand() async throws {
        let request = CommandFixtures.request(["run": CommandFixtures.shell("[ \"$(ps -o pgid= -p $$ | tr -d ' ')\" = $$ ] && echo leader")])
        let start = try await CommandFixtures.deployer().start(request)
        #expect(start.log == "leader\n")
    }
}
