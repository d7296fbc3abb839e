import Foundation
import Glibc

/// A program started with `posix_spawn` as the leader of a process group of its own, with stdin on `/dev/null` and
/// stdout and stderr on one pipe, so its output arrives interleaved as the program wrote it.
///
/// No shell is involved: the arguments reach the program exactly as given. The child gets only descriptors 0, 1 and 2
/// (it never inherits the server's sockets or database files), every signal at its default disposition (the server
/// ignores SIGPIPE; a deploy script must not) and an empty signal mask.
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

    /// Starts `path` with `arguments` (the first is the program's name) and `environment` (`NAME=value` entries), in
    /// `directory` when given.
    static func spawn(path: String, arguments: [String], environment: [String], directory: String?) throws(SpawnError) -> ChildProcess {
        let (readEnd, writeEnd) = try makePipe()
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        var pid: pid_t = 0
        var result = configure(&actions, output: writeEnd, directory: directory)
        if result == 0 { result = configure(&attributes) }
        if result == 0 {
            result = withCStrings(arguments) { argv in
                withCStrings(environment) { envp in posix_spawn(&pid, path, &actions, &attributes, argv, envp) }
            }
        }
        close(writeEnd)
        guard result == 0 else {
            close(readEnd)
            throw SpawnError(code: result)
        }
        return ChildProcess(pid: pid, output: readEnd)
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

    /// Whether the child has exited, without reaping it: while it is an unreaped zombie its pid, and so its process
    /// group id, cannot be reused, which keeps `signalGroup` from ever reaching an unrelated group.
    func hasExited() -> Bool {
        while true {
            var info = siginfo_t()
            if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 {
                return info._sifields._sigchld.si_pid != 0
            }
            // ECHILD: someone else reaped it, so there is nothing left to wait for.
            if errno != EINTR { return true }
        }
    }

    /// Sends `signal` to every process in the child's group: the child and whatever it started that stayed in it.
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

    /// A pipe whose ends are close-on-exec (so no other child inherits them) and above 2 (so dup2 onto 1 and 2 always
    /// copies), with a non-blocking read end.
    private static func makePipe() throws(SpawnError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        let created = GlibcExtensions.closeOnExecPipe(&ends)
        guard created == 0 else { throw SpawnError(code: created) }
        let readEnd = aboveStandardDescriptors(ends[0])
        let writeEnd = aboveStandardDescriptors(ends[1])
        guard readEnd >= 0, writeEnd >= 0, fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK) == 0 else {
            let code = errno
            if readEnd >= 0 { close(readEnd) }
            if writeEnd >= 0 { close(writeEnd) }
            throw SpawnError(code: code)
        }
        return (readEnd, writeEnd)
    }

    private static func aboveStandardDescriptors(_ descriptor: Int32) -> Int32 {
        guard descriptor < 3 else { return descriptor }
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 3)
        close(descriptor)
        return copy
    }

    private static func configure(_ actions: inout posix_spawn_file_actions_t, output: Int32, directory: String?) -> Int32 {
        var result = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if result == 0 { result = posix_spawn_file_actions_adddup2(&actions, output, 1) }
        if result == 0 { result = posix_spawn_file_actions_adddup2(&actions, output, 2) }
        if result == 0 { result = GlibcExtensions.closeDescriptors(from: 3, in: &actions) }
        if result == 0, let directory { result = GlibcExtensions.changeDirectory(to: directory, in: &actions) }
        return result
    }

    private static func configure(_ attributes: inout posix_spawnattr_t) -> Int32 {
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        var result = posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        if result == 0 { result = posix_spawnattr_setpgroup(&attributes, 0) }
        if result == 0 { result = posix_spawnattr_setsigmask(&attributes, &none) }
        if result == 0 { result = posix_spawnattr_setsigdefault(&attributes, &all) }
        return result
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
    /// How a reaped child ended.
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
    }
}
