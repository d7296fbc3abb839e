import BridgeCore
import Foundation
import Glibc

/// What Linux's `/proc` says about processes: enough to tell a process from a later one that reuses its pid, and to
/// find the members of a process group.
enum ProcessTable {
    /// One process, from `/proc/<pid>/stat` (proc(5)).
    struct Entry: Sendable, Hashable {
        var pid: pid_t
        /// The state letter: R, S, D, T, Z…
        var state: UInt8
        /// Its process group's id.
        var group: pid_t
        /// When it started, in clock ticks since boot (field 22).
        var startTicks: UInt64

        /// Whether it has exited and only waits to be reaped (it runs nothing any more).
        var hasExited: Bool { state == UInt8(ascii: "Z") || state == UInt8(ascii: "X") }
    }

    /// This boot's id (`/proc/sys/kernel/random/boot_id`); nil when it cannot be read. Read once: it cannot change
    /// while this process lives (every spawn records it).
    static func bootID() -> String? { currentBootID }

    private static let currentBootID: String? = {
        guard let text = read("/proc/sys/kernel/random/boot_id") else { return nil }
        let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return id.isEmpty ? nil : id
    }()

    /// The process `pid`, nil when there is none (or `/proc` cannot tell).
    static func entry(_ pid: pid_t) -> Entry? {
        read("/proc/\(pid)/stat").flatMap { parse($0, pid: pid) }
    }

    /// The processes of group `group` that have not exited.
    static func members(of group: pid_t) -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { pid_t($0) }.compactMap(entry).filter { $0.group == group && !$0.hasExited }
    }

    /// The identity of `pid`, a process this one has just created, as a step's `LocalProcess`.
    static func identity(of pid: pid_t, attempt: Int, startedAt: Date) -> LocalProcess? {
        guard let entry = entry(pid), let boot = bootID() else { return nil }
        return LocalProcess(pid: pid, startTicks: entry.startTicks, bootID: boot, startedAt: startedAt, attempt: attempt)
    }

    /// Parses a stat line: `pid (comm) state ppid pgrp … starttime …`. The command name may hold spaces and
    /// parentheses, so the fields are counted from the last `)`.
    static func parse(_ line: String, pid: pid_t) -> Entry? {
        guard let close = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), fields[2] field 5 (pgrp), fields[19] field 22 (starttime).
        guard fields.count > 19, let state = fields[0].utf8.first, let group = pid_t(fields[2]), let ticks = UInt64(fields[19]) else {
            return nil
        }
        return Entry(pid: pid, state: state, group: group, startTicks: ticks)
    }

    /// A small file of `/proc`, read whole (its size says 0, so it is read until its end).
    private static func read(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while bytes.count < 64 * 1024 {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
