import Foundation

/// A process a step started on this machine, identified so that no other process is ever taken for it.
///
/// A pid alone names a process only while it lives: the kernel hands it out again afterwards (`pid_max` is often
/// 32768). Its start time in clock ticks since boot (`/proc/<pid>/stat`, field 22) with the boot's id
/// (`/proc/sys/kernel/random/boot_id`) names it for good: a process that reuses the pid started later, and a
/// reboot changes the boot id.
public struct LocalProcess: Sendable, Hashable, Codable {
    /// The process the step ran, which leads a process group of its own: its pid is also the group's id.
    public var pid: Int32
    /// When it started, in clock ticks since boot.
    public var startTicks: UInt64
    /// The boot it started in.
    public var bootID: String
    /// When it started, by the wall clock (for people).
    public var startedAt: Date
    /// The attempt of the step that started it (1 for the first).
    public var attempt: Int

    public init(pid: Int32, startTicks: UInt64, bootID: String, startedAt: Date, attempt: Int) {
        self.pid = pid
        self.startTicks = startTicks
        self.bootID = bootID
        self.startedAt = startedAt
        self.attempt = attempt
    }
}
