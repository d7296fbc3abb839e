import Foundation
import CChildProcess
import Glibc
import Synchronization

/// A child process of a test (moto's server, the built `gitops-bridge`), spawned with `posix_spawn` rather than
/// Foundation's `Process`: the child must start with an empty signal mask and default dispositions, and `Process`
/// passes on the spawning thread's mask, in which the test runner's threads block SIGTERM — moto then ignored every
/// stop and lived until SIGKILL.
public final class SpawnedProcess: Sendable {
    /// Why a program could not be started.
    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

    public let pid: pid_t
    /// The wait status once reaped.
    private let exitStatus = Mutex<Int32?>(nil)

    private init(pid: pid_t) {
        self.pid = pid
    }

    /// Spawns `program` with `arguments` and `environment`, stdin from `/dev/null`, stdout and stderr to `logPath`.
    public static func spawn(_ program: String, arguments: [String], environment: [String: String], logPath: String) throws(SpawnError)
        -> SpawnedProcess
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of the test process: its sockets (hundreds, in the connection-flood tests) would count against the
        // child's own limits; PostgreSQL refuses to start when too few of its `max_files_per_process` are left.
        _ = spawn_file_actions_close_from(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([program] + arguments).map { strdup($0) }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") }
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, program, &actions, &attributes, argv + [nil], envp + [nil])
        guard result == 0 else {
            throw SpawnError(description: "cannot start \(program): \(String(cString: strerror(result)))")
        }
        return SpawnedProcess(pid: pid)
    }

    /// Whether it still runs (reaps it when it has exited).
    public var isRunning: Bool {
        exitStatus.withLock { status in
            guard status == nil else { return false }
            var wait: Int32 = 0
            guard waitpid(pid, &wait, WNOHANG) == pid else { return true }
            status = wait
            return false
        }
    }

    /// The raw wait status, once exited.
    public var status: Int32? { exitStatus.withLock { $0 } }

    /// The exit code when it exited, nil while it runs or when a signal ended it.
    public var exitCode: Int32? {
        guard let status, status & 0x7f == 0 else { return nil }
        return (status >> 8) & 0xff
    }

    /// The signal that ended it, nil while it runs or when it exited.
    public var terminatingSignal: Int32? {
        guard let status, status & 0x7f != 0, status & 0x7f != 0x7f else { return nil }
        return status & 0x7f
    }

    /// Waits until it exits or `timeout` passes; true when it exited.
    public func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return !isRunning
    }

    /// SIGTERM, then SIGKILL if it is still there after `grace`; returns once reaped.
    public func terminate(grace: Duration = .seconds(5)) async {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard isRunning else { return }
        kill(pid, SIGKILL)
        while isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }
}
