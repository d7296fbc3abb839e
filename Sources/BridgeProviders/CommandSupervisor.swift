import Glibc

/// Watches a spawned command until it exits, times out or its task is canceled, collecting its output, then makes
/// sure nothing it started is left running.
///
/// It polls rather than blocks: each round reads what the pipe holds and checks for the child's exit with
/// `waitid(WNOHANG | WNOWAIT)`, then yields at once if output flowed (a chatty child never waits on a full pipe for
/// long) or sleeps, 5 ms doubling to 50 ms while the child is quiet. No thread is held for the child's life, a quiet
/// command costs about 20 wake-ups a second, and exit, timeout and cancellation are each noticed within 50 ms.
struct CommandSupervisor: Sendable {
    /// How a supervised command ended.
    enum Ending: Sendable, Hashable {
        /// On its own.
        case exited
        case timedOut
        /// Its task was canceled.
        case canceled
    }

    /// The ending, the child's wait status and its output.
    struct Outcome: Sendable {
        var ending: Ending
        var termination: ChildProcess.Termination
        var output: BoundedOutput
    }

    var timeout: Duration
    /// How long a timed-out or canceled command gets between SIGTERM and SIGKILL.
    var grace: Duration
    var maximumLogBytes: Int

    static let shortestPause = Duration.milliseconds(5)
    static let longestPause = Duration.milliseconds(50)
    /// How long to keep reading after the group is killed, for output still open in a process that left the group.
    static let drainLimit = Duration.seconds(1)

    /// Supervises `child` to the end; the child is reaped and its pipe closed when this returns.
    func supervise(_ child: ChildProcess) async -> Outcome {
        var output = BoundedOutput(limit: maximumLogBytes)
        var open = true
        let ending = await watch(child, &output, &open)
        // The cleanup runs in a task of its own, which does not inherit cancellation: it must finish, and its sleeps
        // must sleep, even when the step's task was canceled.
        return await Task { [output, open] in await finish(child, ending: ending, output: output, open: open) }.value
    }

    private func watch(_ child: ChildProcess, _ output: inout BoundedOutput, _ open: inout Bool) async -> Ending {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var pause = Self.shortestPause
        while true {
            let read = open ? child.readAvailable(into: &output) : ChildProcess.ReadResult()
            open = open && !read.closed
            if child.hasExited() { return .exited }
            if Task.isCancelled { return .canceled }
            let now = clock.now
            if now >= deadline { return .timedOut }
            if read.bytes > 0 {
                pause = Self.shortestPause
                await Task.yield()
            } else {
                // Throws at once when the task is canceled; the next round notices.
                try? await Task.sleep(for: min(pause, now.duration(to: deadline)))
                pause = min(pause * 2, Self.longestPause)
            }
        }
    }

    private func finish(_ child: ChildProcess, ending: Ending, output: BoundedOutput, open: Bool) async -> Outcome {
        var output = output
        var open = open
        let clock = ContinuousClock()
        if ending != .exited {
            child.signalGroup(SIGTERM)
            // Give the group the grace period to stop: done when the command has exited and every process holding its
            // output has closed it.
            let end = clock.now.advanced(by: grace)
            while clock.now < end, open || !child.hasExited() {
                open = await drain(child, &output, open)
            }
        }
        // Nothing a step started may outlive it (a CI runner cleans up orphans the same way). The command is not
        // reaped yet, so its pid, the group's id, cannot have been reused by an unrelated process.
        child.signalGroup(SIGKILL)
        let end = clock.now.advanced(by: Self.drainLimit)
        while open, clock.now < end {
            open = await drain(child, &output, open)
        }
        if open {
            output.append("\n… (output still open in a process outside the command's process group; stopped reading)\n".utf8)
        }
        child.closeOutput()
        var termination = child.reap()
        while termination == nil {
            try? await Task.sleep(for: .milliseconds(10))
            termination = child.reap()
        }
        return Outcome(ending: ending, termination: termination ?? .unknown, output: output)
    }

    /// Reads what is there, pausing briefly when there is nothing; whether the pipe is still open.
    private func drain(_ child: ChildProcess, _ output: inout BoundedOutput, _ open: Bool) async -> Bool {
        guard open else {
            try? await Task.sleep(for: .milliseconds(10))
            return false
        }
        let read = child.readAvailable(into: &output)
        if read.closed { return false }
        if read.bytes == 0 { try? await Task.sleep(for: .milliseconds(10)) }
        return true
    }
}
