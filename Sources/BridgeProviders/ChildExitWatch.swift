import CChildProcess
import Foundation
import Glibc
import Synchronization

/// Learns the moment a child exits, and how, without reaping it.
///
/// Every child's `pidfd` sits in one epoll set that one thread of the process waits on (`ChildExits`): the exit is
/// seen at once, with no thread made per command (issue 14: a thread's creation and end was a measurable part of a
/// run's cost). On a kernel without pidfds (before Linux 5.4) a thread of the watch's own blocks in
/// `waitid(WEXITED | WNOWAIT)` for the child's life instead.
///
/// Polling would notice an exit only at its next round (up to 50 ms later for a quiet command); either way the wait
/// wakes at once, so the command's outcome can be recorded before anything else happens. The child is left unreaped,
/// so its pid, and its process group's id, cannot be reused while the clean-up signals the group.
final class ChildExitWatch: Sendable {
    private struct State {
        var termination: ChildProcess.Termination?
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// Starts watching `pid`, a child of this process, until it exits or is reaped: through `exits`, or with a thread
    /// of its own when that is nil or cannot (tests pass nil to run the fallback).
    init(pid: pid_t, exits: ChildExits? = ChildExits.shared) {
        if exits?.watch(pid, self) == true { return }
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

    fileprivate func exited(_ termination: ChildProcess.Termination) {
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
        return ChildProcess.Termination(info)
    }
}

/// The one thread that sees every child exit: each watched child's pidfd is in an epoll set, registered for one
/// event; when it polls readable the child has exited, and `waitid(P_PIDFD, WEXITED | WNOWAIT)` says how, leaving
/// it unreaped. Nil when the kernel has no pidfds to wait on (`pidfd_open`, Linux 5.3; `waitid` on one, 5.4).
final class ChildExits: Sendable {
    static let shared = ChildExits()

    /// `waitid`'s `P_PIDFD` (glibc 2.36 names it; the kernel's value).
    private static let byPidfd = idtype_t(rawValue: 3)

    private let epoll: Int32
    /// The watch of each registered pidfd.
    private let watches = Mutex<[Int32: ChildExitWatch]>([:])

    private init?() {
        guard Self.kernelWaitsOnPidfds() else { return nil }
        let epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { return nil }
        self.epoll = epoll
        let thread = Thread { [self] in run() }
        thread.name = "child-exits"
        thread.stackSize = 256 * 1024
        thread.start()
    }

    /// Watches `pid` for `watch`; false when it cannot (out of descriptors), and the caller watches another way.
    func watch(_ pid: pid_t, _ watch: ChildExitWatch) -> Bool {
        let descriptor = child_pidfd_open(pid)
        guard descriptor >= 0 else { return false }
        watches.withLock { $0[descriptor] = watch }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLONESHOT.rawValue
        event.data.fd = descriptor
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event) == 0 else {
            watches.withLock { $0[descriptor] = nil }
            close(descriptor)
            return false
        }
        return true
    }

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        while true {
            let count = epoll_wait(epoll, &events, Int32(events.count), -1)
            guard count > 0 else { continue }  // EINTR
            for event in events[..<Int(count)] {
                let descriptor = event.data.fd
                let termination = Self.termination(of: descriptor)
                // Forgotten before the descriptor is closed: its number, once reused, may be registered again at once.
                let watch = watches.withLock { $0.removeValue(forKey: descriptor) }
                close(descriptor)
                watch?.exited(termination)
            }
        }
    }

    /// How the exited child of `pidfd` ended; `.unknown` when it was reaped elsewhere first.
    private static func termination(of pidfd: Int32) -> ChildProcess.Termination {
        var info = siginfo_t()
        while waitid(byPidfd, id_t(pidfd), &info, WEXITED | WNOWAIT) != 0 {
            if errno != EINTR { return .unknown }
        }
        return ChildProcess.Termination(info)
    }

    /// Whether `pidfd_open` works and `waitid` takes a pidfd: asked of this process's own, which is no child of
    /// itself (ECHILD), where a kernel without `P_PIDFD` answers EINVAL.
    private static func kernelWaitsOnPidfds() -> Bool {
        let own = child_pidfd_open(getpid())
        guard own >= 0 else { return false }
        defer { close(own) }
        var info = siginfo_t()
        return waitid(byPidfd, id_t(own), &info, WEXITED | WNOHANG) != 0 && errno == ECHILD
    }
}

extension ChildProcess.Termination {
    /// What `waitid` found.
    fileprivate init(_ info: siginfo_t) {
        self.init(code: info.si_code, status: info._sifields._sigchld.si_status)
    }
}
