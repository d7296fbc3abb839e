import Glibc

/// Watches a spawned command until it exits, times out or its task is canceled, collecting its output, then makes
/// sure nothing it started is left running.
///
/// The exit is noticed at once (`ChildExitWatch`). Output is read in rounds: each reads what the pipe holds, then
/// yields at once if output flowed (a chatty child never waits on a full pipe for long) or waits, 5 ms doubling to
/// 50 ms while the child is quiet, for the exit or the next round. No task is held for the child's life, and timeout
/// and cancellation are noticed within 50 ms.
///
/// While it runs, `onProgress` is given the output every `progressInterval` when more has come, so the step's log can
/// be followed live; the round waits for it.
///
/// When the command exits on its own, `onExit` hears of it before any clean-up: the group's leftovers are killed
/// (one signal), what the command wrote is read from the pipe, and `onExit` gets both; draining output still held
/// open by a process outside the group, and reaping, come after.
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
        /// How many bytes of `output` `onExit` was given and took, when it took them (it returned true).
        var bytesTakenAtExit: Int?
    }

    var timeout: Duration
    /// How long a timed-out or canceled command gets between SIGTERM and SIGKILL.
    var grace: Duration
    var maximumLogBytes: Int
    /// How often `onProgress` hears of new output at most.
    var progressInterval: Duration = .milliseconds(500)

    static let shortestPause = Duration.milliseconds(5)
    static let longestPause = Duration.milliseconds(50)
    /// How long to keep reading after the group is killed, for output still open in a process that left the group.
    var drainLimit = Duration.seconds(1)

    /// Supervises `child` to the end; the child is reaped and its pipe closed when this returns. `onExit` is called
    /// when the command exits on its own (not at a timeout or cancellation), with how and its output so far; it
    /// returns whether it took that output.
    func supervise(
        _ child: ChildProcess, onProgress: @Sendable (BoundedOutput) async -> Void = { _ in },
        onExit: @escaping @Sendable (ChildProcess.Termination, BoundedOutput) async -> Bool = { _, _ in false }
    ) async -> Outcome {
        let exit = ChildExitWatch(pid: child.pid)
        var output = BoundedOutput(limit: maximumLogBytes)
        var open = true
        let ending = await watch(child, exit, &output, &open, onProgress)
        // The rest runs in a task of its own, which does not inherit cancellation: the outcome must be recorded and
        // the clean-up finished, and its sleeps must sleep, even when the step's task was canceled.
        return await Task { [output, open] in
            var output = output
            var open = open
            var taken: Int?
            if ending == .exited, let termination = exit.termination {
                // Nothing a step started may outlive it (a CI runner cleans up orphans the same way).
                child.signalGroup(SIGKILL)
                open = Self.readAll(child, &output, open)
                taken = await onExit(termination, output) ? output.totalBytes : nil
            }
            var outcome = await finish(child, exit, ending: ending, output: output, open: open)
            outcome.bytesTakenAtExit = taken
            return outcome
        }.value
    }

    private func watch(
        _ child: ChildProcess, _ exit: ChildExitWatch, _ output: inout BoundedOutput, _ open: inout Bool,
        _ onProgress: @Sendable (BoundedOutput) async -> Void
    ) async -> Ending {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var pause = Self.shortestPause
        var nextProgress = clock.now.advanced(by: progressInterval)
        var reported = 0
        while true {
            let read = open ? child.readAvailable(into: &output) : ChildProcess.ReadResult()
            open = open && !read.closed
            if exit.termination != nil { return .exited }
            if Task.isCancelled { return .canceled }
            let now = clock.now
            if now >= deadline { return .timedOut }
            if now >= nextProgress, output.totalBytes > reported {
                await onProgress(output)
                reported = output.totalBytes
                nextProgress = clock.now.advanced(by: progressInterval)
            }
            if read.bytes > 0 {
                pause = Self.shortestPause
                await Task.yield()
            } else {
                // Returns at once when the child exits or the task is canceled; the next round notices.
                await exit.wait(upTo: min(pause, now.duration(to: deadline)))
                pause = min(pause * 2, Self.longestPause)
            }
        }
    }

    private func finish(_ child: ChildProcess, _ exit: ChildExitWatch, ending: Ending, output: BoundedOutput, open: Bool) async -> Outcome {
        var output = output
        var open = open
        let clock = ContinuousClock()
        if ending != .exited {
            child.signalGroup(SIGTERM)
            // Give the group the grace period to stop: done when the command has exited and every process holding its
            // output has closed it.
            let end = clock.now.advanced(by: grace)
            while clock.now < end, open || exit.termination == nil {
                open = await drain(child, &output, open)
            }
        }
        // The command is not reaped yet, so its pid, the group's id, cannot have been reused by an unrelated process.
        child.signalGroup(SIGKILL)
        let end = clock.now.advanced(by: drainLimit)
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
        // `.unknown` if someone else reaped it; what the watch saw at the exit still holds.
        if termination == .unknown, let seen = exit.termination { termination = seen }
        return Outcome(ending: ending, termination: termination ?? .unknown, output: output)
    }

    /// Reads everything the pipe holds now; whether it is still open.
    private static func readAll(_ child: ChildProcess, _ output: inout BoundedOutput, _ open: Bool) -> Bool {
        guard open else { return false }
        while true {
            let read = child.readAvailable(into: &output)
            if read.closed { return false }
            if read.bytes == 0 { return true }
        }
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
