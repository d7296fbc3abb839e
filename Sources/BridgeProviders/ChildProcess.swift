import CChildProcess
import Foundation
import Glibc

/// A program started as the leader of a process group of its own, with stdin on `/dev/null` and stdout and stderr on
/// one pipe, so its output arrives interleaved as the program wrote it.
///
/// No shell is involved: the arguments reach the program exactly as given. The child gets only descriptors 0, 1 and 2
/// (it never inherits the server's sockets or database files), every signal at its default disposition (the server
/// ignores SIGPIPE; a deploy script must not) and an empty signal mask.
///
/// It is started in two moves (`spawn`, then `GatedChild.release`): the child process exists, with its pid and start
/// time, before it runs the program, so the caller can record it durably first (see `CommandDeployer`).
struct ChildProcess: Sendable {
    /// The child's pid, which is also its process group id.
    let pid: pid_t
    /// The read end of the output pipe, non-blocking.
    private let output: Int32

    /// Why `spawn` failed: an `errno` value.
    struct SpawnError: Error, Sendable, Hashable {
        let code: Int32
    }

    /// What one `readAvailable` call found.
    struct ReadResult: Sendable, Hashable {
        /// Bytes read.
        var bytes = 0
        /// Whether every writer has closed the pipe (or reading failed).
        var closed = false
    }

    /// A child process that has not run its program yet: it waits until `release` (or exits at `abandon`).
    struct GatedChild: ~Copyable, Sendable {
        private var child: gated_child

        fileprivate init(_ child: gated_child) {
            self.child = child
        }

        /// The child's pid, which is also its process group id.
        var pid: pid_t { child.pid }

        /// Lets the child run its program. Blocks until it does (the `exec`), as `posix_spawn` would.
        consuming func release() throws(SpawnError) -> ChildProcess {
            var child = self.child
            discard self
            let code = gated_spawn_release(&child)
            guard code == 0 else {
                ChildProcess.reapExiting(child.pid)
                close(child.output)
                throw SpawnError(code: code)
            }
            return ChildProcess(pid: child.pid, output: child.output)
        }

        /// Makes the child exit without running the program, and reaps it.
        consuming func abandon() {
            var child = self.child
            discard self
            Self.abandon(&child)
        }

        deinit {
            var child = child
            Self.abandon(&child)
        }

        private static func abandon(_ child: inout gated_child) {
            gated_spawn_abandon(&child)
            ChildProcess.reapExiting(child.pid)
            close(child.output)
        }
    }

    /// Creates the child for `path` with `arguments` (the first is the program's name) and `environment`
    /// (`NAME=value` entries), in `directory` when given; it runs nothing until released.
    static func spawn(path: String, arguments: [String], environment: [String], directory: String?) throws(SpawnError) -> GatedChild {
        var child = gated_child(pid: 0, output: -1, gate: -1, status: -1, job: 0)
        let result = withCStrings(arguments) { argv in
            withCStrings(environment) { envp in
                if let directory { return gated_spawn(path, argv, envp, directory, &child) }
                return gated_spawn(path, argv, envp, nil, &child)
            }
        }
        guard result == 0 else { throw SpawnError(code: result) }
        return GatedChild(child)
    }

    /// Reads what the pipe holds now (up to `limit` bytes, so the caller gets to check on the child) into `buffer`.
    func readAvailable(into buffer: inout BoundedOutput, limit: Int = 1 << 20) -> ReadResult {
        var result = ReadResult()
        withUnsafeTemporaryAllocation(byteCount: 64 * 1024, alignment: 1) { chunk in
            while result.bytes < limit {
                let count = read(output, chunk.baseAddress, chunk.count)
                if count > 0 {
                    buffer.append(UnsafeRawBufferPointer(rebasing: chunk[..<count]))
                    result.bytes += count
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    // 0 is end of file; EAGAIN means nothing to read now; any other error ends reading.
                    result.closed = count == 0 || errno != EAGAIN
                    return
                }
            }
        }
        return result
    }

    /// Sends `signal` to every process in the child's group: the child and whatever it started that stayed in it.
    ///
    /// Until the child is reaped its pid, and so its process group id, cannot be reused, which keeps this from ever
    /// reaching an unrelated group.
    func signalGroup(_ signal: Int32) {
        _ = kill(-pid, signal)
    }

    /// Reaps the child if it has exited; nil while it runs.
    func reap() -> Termination? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return Termination(waitStatus: status) }
            if result == 0 { return nil }
            if errno != EINTR { return .unknown }
        }
    }

    /// Closes the read end of the pipe; a process still writing to it gets SIGPIPE.
    func closeOutput() {
        close(output)
    }

    /// Reaps a child that is exiting at once (it could not run its program, or was told not to).
    fileprivate static func reapExiting(_ pid: pid_t) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    /// Calls `body` with a NULL-terminated C array of copies of `strings`.
    private static func withCStrings(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Int32) -> Int32 {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        guard !pointers.contains(where: { $0 == nil }) else { return ENOMEM }
        pointers.append(nil)
        return pointers.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return EINVAL }
            return body(base)
        }
    }
}

extension ChildProcess {
    /// How a child ended.
    enum Termination: Sendable, Hashable {
        case exited(Int32)
        case signaled(Int32)
        /// Reaped elsewhere, or a status this code does not know.
        case unknown

        /// Decodes a `waitpid` status (the `WIFEXITED`/`WTERMSIG` macros are not imported into Swift).
        init(waitStatus status: Int32) {
            let signal = status & 0x7f
            if signal == 0 {
                self = .exited((status >> 8) & 0xff)
            } else if signal != 0x7f {
                self = .signaled(signal)
            } else {
                self = .unknown
            }
        }

        /// Decodes what `waitid` found: `si_code` and `si_status` of a `SIGCHLD`.
        init(code: Int32, status: Int32) {
            switch Int(code) {
            case Int(CLD_EXITED): self = .exited(status)
            case Int(CLD_KILLED), Int(CLD_DUMPED): self = .signaled(status)
            default: self = .unknown
            }
        }
    }
}
