import BridgeCore
import Foundation
import Glibc

/// The `command` provider: runs a local program for a deployment step and reports its exit status.
///
/// - **No shell.** `run` is the argv: each entry, templates rendered, reaches the program as one argument. A bare
///   program name is looked up in the child's `PATH` (absolute entries only); a name with a slash is used as written,
///   relative to `dir`.
/// - **Environment.** Not the bridge's whole environment, which holds its own secrets (webhook secrets, API tokens,
///   cloud credentials): only `PATH` (`/usr/local/bin:/usr/bin:/bin` when unset), `HOME`, `USER`, `LOGNAME`, `LANG`,
///   `LANGUAGE`, `LC_*`, `TZ` and `TMPDIR`. Then the step's variables: `GITOPS_SHA` (the commit), `GITOPS_REF`
///   (`refs/heads/main`), `GITOPS_REPOSITORY` (`acme/shop`), `GITOPS_ENVIRONMENT` (the rule's environment; unset when
///   it has none), `GITOPS_TARGET`, `GITOPS_RUN` and `GITOPS_STEP` (the bridge's ids) and `GITOPS_ATTEMPT` (1 for the
///   first). Then the target's `env`, which wins over both; an entry with a secret-sounding name (`API_TOKEN`) holds an
///   `env:`/`file:` reference, resolved just before the spawn. Resolved secret values are masked as `***` in the log.
/// - **Process.** Its own process group; stdin `/dev/null`; stdout and stderr interleaved into one log keeping the last
///   `maximumLogBytes`; no descriptor of the server's is inherited. Whole lines go to the step's log while it runs
///   (`StepJournal.appendLog`, at most every 500 ms), so the log can be followed live.
/// - **End.** Exit status 0 succeeds; anything else fails with `exit status N` or `killed by signal N`. When the
///   command exits, whatever it left running in its group is killed, and the outcome goes to the journal at once
///   (`StepJournal.recordOutcome`), before output still held open outside the group is drained and the child reaped.
///   At the timeout (`timeout`, default `defaultTimeout`) the group gets SIGTERM, then SIGKILL after
///   `terminationGrace`, and the step fails.
/// - **Cancellation** is the task's: the worker cancels the task running `start`, the group is stopped the same way,
///   and `start` returns a `.canceled` status (it does not throw), with the output so far.
/// - **Exactly one copy.** The child process is created first and recorded in the journal (pid, start time, boot id)
///   before it runs the program: if that record fails, the program never runs. An attempt that resumes a step whose
///   earlier copy was recorded but never finished (the bridge died meanwhile) ends that copy first, if it still runs
///   (`EarlierCopy`: SIGTERM to its group, SIGKILL after `terminationGrace`), and notes what it found on the step.
///
/// Nothing can be polled: `externalID` is nil and `poll` fails permanently, so after a crash the worker starts the
/// step again.
public struct CommandDeployer: Deployer {
    private let resolver: any SecretResolver
    /// What the children inherit of the bridge's environment (`CommandInvocation.inherited`), chosen once.
    private let inheritedEnvironment: [String: String]
    private let maximumLogBytes: Int
    private let defaultTimeout: Duration
    private let terminationGrace: Duration
    private let outputDrainLimit: Duration
    private let now: @Sendable () -> Date

    /// Creates the provider. `environment` is the bridge's, of which only locale and path variables are passed on;
    /// `outputDrainLimit` is how long output held open outside the command's group is read after it exits (tests lengthen
    /// it); `now` dates the processes it records.
    public init(
        resolver: any SecretResolver, environment: [String: String] = ProcessInfo.processInfo.environment,
        maximumLogBytes: Int = 64 * 1024, defaultTimeout: Duration = .seconds(600), terminationGrace: Duration = .seconds(5),
        outputDrainLimit: Duration = .seconds(1), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.resolver = resolver
        self.inheritedEnvironment = CommandInvocation.inherited(from: environment)
        self.maximumLogBytes = maximumLogBytes
        self.defaultTimeout = defaultTimeout
        self.terminationGrace = terminationGrace
        self.outputDrainLimit = outputDrainLimit
        self.now = now
    }

    /// Runs the command to its end, recording its process and outcome in `journal` on the way. An unresolvable secret,
    /// a missing program or directory are permanent errors; a lack of processes, memory or descriptors, or a process
    /// that cannot be recorded, is retryable. Cancellation is not an error: it returns a `.canceled` status.
    public func start(_ command: CommandRequest, step: DeploymentRequest, journal: any StepJournal) async throws(ProviderError) -> DeploymentStart {
        // First, before anything else can fail: a copy left running by an earlier attempt must never run alongside this
        // one. (`command` was read before this call; stored parameters read alike on every attempt, so parameters that do
        // not read never started a copy.)
        if let earlier = journal.earlierProcess {
            try await endEarlierCopy(earlier, attempt: step.attempt, journal: journal)
        }
        let invocation = try CommandInvocation(
            command, step: step, inheritedEnvironment: inheritedEnvironment, resolver: resolver, defaultTimeout: defaultTimeout)
        if let directory = invocation.directory { try ProgramSearch.checkDirectory(directory) }
        let path = try ProgramSearch.path(for: invocation.program, searchPath: invocation.environment["PATH", default: ""])
        guard !Task.isCancelled else {
            return DeploymentStart(externalID: nil, status: .canceled(reason: "canceled before the command started"))
        }
        let child = try await spawn(invocation, path: path, attempt: step.attempt, journal: journal)
        var supervisor = CommandSupervisor(timeout: invocation.timeout, grace: terminationGrace, maximumLogBytes: maximumLogBytes)
        supervisor.drainLimit = outputDrainLimit
        let progress = CommandLogProgress(journal: journal, secrets: invocation.secrets)
        let outcome = await supervisor.supervise(child, onProgress: progress.add) { termination, output in
            let status = Self.status(.exited, termination, timeoutText: invocation.timeoutText)
            return await journal.recordOutcome(status, log: progress.rest(of: output))
        }
        // What the journal took is recorded already: only the rest of the output is left to log.
        return DeploymentStart(
            externalID: nil, status: Self.status(outcome.ending, outcome.termination, timeoutText: invocation.timeoutText),
            log: progress.rest(of: outcome.output, after: outcome.bytesTakenAtExit))
    }

    /// A command cannot be polled; the worker starts the step again instead.
    public func poll(_ command: CommandRequest, externalID: String, step: DeploymentRequest) async throws(ProviderError) -> DeploymentProgress {
        throw .permanent("the command provider has no deployment to poll")
    }

    /// Nothing to do: a command is stopped by canceling the task running `start`.
    public func cancel(_ command: CommandRequest, externalID: String, step: DeploymentRequest) async throws(ProviderError) {}

    static func status(_ ending: CommandSupervisor.Ending, _ termination: ChildProcess.Termination, timeoutText: String) -> DeploymentStatus {
        switch (ending, termination) {
        case (.timedOut, _): .failed(reason: "timed out after \(timeoutText); process group killed")
        case (.canceled, _): .canceled(reason: "canceled; process group killed")
        case (.exited, .exited(0)): .succeeded
        case (.exited, .exited(let status)): .failed(reason: "exit status \(status)")
        case (.exited, .signaled(let signal)): .failed(reason: "killed by signal \(signal)")
        case (.exited, .unknown): .failed(reason: "exit status unknown: the process was reaped elsewhere")
        }
    }

    /// Ends a copy an earlier attempt left running (`EarlierCopy`) and notes what became of it. It runs to its end
    /// even when the step is canceled meanwhile: a copy sent SIGTERM must be seen gone, or killed.
    private func endEarlierCopy(_ earlier: LocalProcess, attempt: Int, journal: any StepJournal) async throws(ProviderError) {
        let grace = terminationGrace
        let fate = await Task { await EarlierCopy.end(earlier, grace: grace) }.value
        let note = EarlierCopy.note(fate, of: earlier, attempt: attempt)
        await journal.note(note)
        if fate == .survived { throw .retryable(note) }
    }

    /// Creates the child, records it in the journal, then lets it run the program. "Text file busy" is retried a few
    /// times: it means some process has the program open for writing, often only for an instant (a child forked
    /// elsewhere, not yet exec'd, holding a copy of another thread's descriptor for it).
    private func spawn(
        _ invocation: CommandInvocation, path: String, attempt: Int, journal: any StepJournal
    ) async throws(ProviderError) -> ChildProcess {
        var tries = 1
        while true {
            let gated: ChildProcess.GatedChild
            do {
                gated = try ChildProcess.spawn(
                    path: path, arguments: invocation.arguments, environment: invocation.environmentEntries,
                    directory: invocation.directory)
            } catch {
                throw Self.spawnFailure(error.code, program: invocation.program)
            }
            // Without a readable /proc the process cannot be told from a later one with its pid: it runs unrecorded,
            // and a crash leaves it to systemd or the container to end.
            if let process = ProcessTable.identity(of: gated.pid, attempt: attempt, startedAt: now()) {
                do {
                    try await journal.recordProcess(process)
                } catch {
                    gated.abandon()
                    throw error
                }
            }
            do {
                return try gated.release()
            } catch {
                guard error.code == ETXTBSY, tries < 5 else { throw Self.spawnFailure(error.code, program: invocation.program) }
                tries += 1
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Resource shortages (and a program busy being written) are worth retrying; anything else about the program
    /// (missing, not executable, not a program) is not.
    static func spawnFailure(_ code: Int32, program: String) -> ProviderError {
        let message = "cannot run \(program): \(ProgramSearch.message(code))"
        return [EAGAIN, ENOMEM, EMFILE, ENFILE, ETXTBSY].contains(code) ? .retryable(message) : .permanent(message)
    }

    static func masking(_ secrets: [String], in text: String) -> String {
        secrets.filter { !$0.isEmpty }.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }
}
