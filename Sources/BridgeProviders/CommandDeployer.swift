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
///   `maximumLogBytes`; no descriptor of the server's is inherited.
/// - **End.** Exit status 0 succeeds; anything else fails with `exit status N` or `killed by signal N`. When the
///   command exits, whatever it left running in its group is killed. At the timeout (`timeout`, default
///   `defaultTimeout`) the group gets SIGTERM, then SIGKILL after `terminationGrace`, and the step fails.
/// - **Cancellation** is the task's: the worker cancels the task running `start`, the group is stopped the same way,
///   and `start` returns a `.canceled` status (it does not throw), with the output so far.
///
/// Nothing can be polled: `externalID` is nil and `poll` fails permanently, so after a crash the worker starts the
/// step again.
public struct CommandDeployer: Deployer {
    public var provider: String { "command" }

    private let resolver: any SecretResolver
    private let environment: [String: String]
    private let maximumLogBytes: Int
    private let defaultTimeout: Duration
    private let terminationGrace: Duration

    /// Creates the provider. `environment` is the bridge's, of which only locale and path variables are passed on.
    public init(
        resolver: any SecretResolver, environment: [String: String] = ProcessInfo.processInfo.environment,
        maximumLogBytes: Int = 64 * 1024, defaultTimeout: Duration = .seconds(600), terminationGrace: Duration = .seconds(5)
    ) {
        self.resolver = resolver
        self.environment = environment
        self.maximumLogBytes = maximumLogBytes
        self.defaultTimeout = defaultTimeout
        self.terminationGrace = terminationGrace
    }

    /// Runs the command to its end. Bad parameters, an unresolvable secret, a missing program or directory are
    /// permanent errors; a lack of processes, memory or descriptors is retryable. Cancellation is not an error: it
    /// returns a `.canceled` status.
    public func start(_ request: DeploymentRequest) async throws(ProviderError) -> DeploymentStart {
        let invocation = try CommandInvocation(
            request: request, bridgeEnvironment: environment, resolver: resolver, defaultTimeout: defaultTimeout)
        if let directory = invocation.directory { try ProgramSearch.checkDirectory(directory) }
        let path = try ProgramSearch.path(for: invocation.program, searchPath: invocation.environment["PATH", default: ""])
        guard !Task.isCancelled else {
            return DeploymentStart(externalID: nil, status: .canceled(reason: "canceled before the command started"))
        }
        let child = try await Self.spawn(invocation, path: path)
        let supervisor = CommandSupervisor(timeout: invocation.timeout, grace: terminationGrace, maximumLogBytes: maximumLogBytes)
        let outcome = await supervisor.supervise(child)
        return DeploymentStart(
            externalID: nil, status: Self.status(outcome, timeoutText: invocation.timeoutText),
            log: Self.masking(invocation.secrets, in: outcome.output.text))
    }

    /// A command cannot be polled; the worker starts the step again instead.
    public func poll(externalID: String, request: DeploymentRequest) async throws(ProviderError) -> DeploymentProgress {
        throw .permanent("the command provider has no deployment to poll")
    }

    /// Nothing to do: a command is stopped by canceling the task running `start`.
    public func cancel(externalID: String, request: DeploymentRequest) async throws(ProviderError) {}

    static func status(_ outcome: CommandSupervisor.Outcome, timeoutText: String) -> DeploymentStatus {
        switch (outcome.ending, outcome.termination) {
        case (.timedOut, _): .failed(reason: "timed out after \(timeoutText); process group killed")
        case (.canceled, _): .canceled(reason: "canceled; process group killed")
        case (.exited, .exited(0)): .succeeded
        case (.exited, .exited(let status)): .failed(reason: "exit status \(status)")
        case (.exited, .signaled(let signal)): .failed(reason: "killed by signal \(signal)")
        case (.exited, .unknown): .failed(reason: "exit status unknown: the process was reaped elsewhere")
        }
    }

    /// Spawns the command. "Text file busy" is retried a few times first: it means some process has the program open
    /// for writing, often only for an instant (a child forked elsewhere, not yet exec'd, holding a copy of another
    /// thread's descriptor for it).
    private static func spawn(_ invocation: CommandInvocation, path: String) async throws(ProviderError) -> ChildProcess {
        var attempt = 1
        while true {
            do {
                return try ChildProcess.spawn(
                    path: path, arguments: invocation.arguments, environment: invocation.environmentEntries,
                    directory: invocation.directory)
            } catch {
                guard error.code == ETXTBSY, attempt < 5 else { throw spawnFailure(error.code, program: invocation.program) }
                attempt += 1
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

    private static func masking(_ secrets: [String], in text: String) -> String {
        secrets.filter { !$0.isEmpty }.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }
}
