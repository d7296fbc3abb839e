import Foundation
import Glibc
import Synchronization

/// Learns the moment a child exits, and how, without reaping it: a thread of its own blocks in
/// `waitid(WEXITED | WNOWAIT)` for the child's whole life.
///
/// Polling would notice an exit only at its next round (up to 50 ms later for a quiet command); a blocked thread
/// wakes at once, so the command's outcome can be recorded before anything else happens. The child is left
/// unreaped, so its pid, and its process group's id, cannot be reused while the clean-up signals the group.
final class ChildExitWatch: Sendable {
    private struct State {
        var termination: ChildProcess.Termination?
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// Starts watching `pid`, a child of this process. The thread ends when the child exits or is reaped.
    init(pid: pid_t) {
        let thread = Thread { [self] in exited(Self.waitForExit(pid)) }
        thread.name = "child-exit-\(pid)"
        thread.stackSize = 256 * 1024
        thread.start()
    }

    /// How the child ended, once it has.
    var termination: ChildProcess.Termination? { state.withLock { $0.termination } }

    /// Returns when the child has exited, after `timeout`, or when the task is canceled, whichever comes first.
    func wait(upTo timeout: Duration) async {
        guard termination == nil else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.waitForTermination() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForTermination() async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    guard state.termination == nil, !Task.isCancelled else { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    private func exited(_ termination: ChildProcess.Termination) {
        let waiters = state.withLock { state in
            state.termination = termination
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Blocks until `pid` exits; `.unknown` when it was reaped elsewhere first.
    private static func waitForExit(_ pid: pid_t) -> ChildProcess.Termination {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 {
            if errno != EINTR { return .unknown }
        }
        return ChildProcess.Termination(code: info.si_code, status: info._sifields._sigchld.si_status)
    }
}
