import BridgeCore
import Foundation
import Glibc

/// A copy of a step's command that an earlier attempt started and whose outcome was never recorded: the bridge
/// stopped (a crash, `kill -9`) while it ran. Outside systemd or a container nothing ends it with the bridge.
///
/// It is ended, not adopted, before the step's command runs again. Its exit status cannot be learned: it is no
/// longer this process's child (only a parent can wait for a status), and its output went to a pipe whose reader
/// died with the bridge (its next write kills it with SIGPIPE anyway). Running the command again gives one complete
/// outcome and log, as after a crash under systemd, which ends the whole control group.
///
/// It is recognised by its recorded identity: a process with its pid and start time in the same boot, or, once it
/// has exited, a member of its process group started no earlier (its pid cannot have been reused while the group
/// lived on). Anything else is left alone.
enum EarlierCopy {
    /// What became of the earlier copy.
    enum Fate: Sendable, Hashable {
        /// Nothing of it runs (it ended, or its pid now belongs to another process).
        case ended
        /// It ran before the machine restarted.
        case otherBoot
        /// It was running and has stopped; `killed` when it ignored SIGTERM for the grace period.
        case stopped(killed: Bool)
        /// It was running and still is, even after SIGKILL.
        case survived
    }

    /// Ends whatever still runs of `process`: SIGTERM to its group, then SIGKILL after `grace`.
    static func end(_ process: LocalProcess, grace: Duration) async -> Fate {
        guard process.bootID == ProcessTable.bootID() else { return .otherBoot }
        guard !members(process).isEmpty else { return .ended }
        _ = kill(-process.pid, SIGTERM)
        if await gone(process, within: grace) { return .stopped(killed: false) }
        _ = kill(-process.pid, SIGKILL)
        return await gone(process, within: .seconds(5)) ? .stopped(killed: true) : .survived
    }

    /// The live processes of `process`'s group that belong to it.
    static func members(_ process: LocalProcess) -> [ProcessTable.Entry] {
        // A leader with another start time: the pid was reused, so the group of that id is someone else's.
        if let leader = ProcessTable.entry(process.pid), leader.startTicks != process.startTicks { return [] }
        return ProcessTable.members(of: process.pid).filter { $0.startTicks >= process.startTicks }
    }

    /// What to note on the step about `fate`, for attempt `attempt`.
    static func note(_ fate: Fate, of process: LocalProcess, attempt: Int) -> String {
        let copy =
            "the copy of this command that attempt \(process.attempt) started (pid \(process.pid), at "
            + "\(process.startedAt.formatted(.iso8601)))"
        switch fate {
        case .ended:
            return "\(copy) had ended before attempt \(attempt), but its outcome was never recorded: the command runs again"
        case .otherBoot:
            return "\(copy) ran before the machine restarted: the command runs again"
        case .stopped(killed: false):
            return "\(copy) was still running after a restart: stopped with SIGTERM before attempt \(attempt)"
        case .stopped(killed: true):
            return "\(copy) was still running after a restart and ignored SIGTERM: killed with SIGKILL before attempt \(attempt)"
        case .survived:
            return "\(copy) was still running after a restart and survived SIGKILL: attempt \(attempt) does not start"
        }
    }

    private static func gone(_ process: LocalProcess, within limit: Duration) async -> Bool {
        let end = ContinuousClock.now + limit
        while true {
            if members(process).isEmpty { return true }
            guard ContinuousClock.now < end else { return false }
            // Not our child: nothing to wait on but /proc.
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
