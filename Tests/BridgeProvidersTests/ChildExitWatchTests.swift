import Foundation
import Glibc
import Testing

@testable import BridgeProviders

/// `ChildExitWatch` sees how a child ended the moment it does, without reaping it: through the one epoll thread
/// (`ChildExits`) on this kernel, and through a thread per child where pidfds cannot be waited on (the fallback).
@Suite struct ChildExitWatchTests {
    @Test func thisKernelWaitsOnPidfds() {
        // Linux 5.4 or later (CI's kernels are): the thread per child is only a fallback.
        #expect(ChildExits.shared != nil)
    }

    @Test(arguments: [
        ("exit 0", ChildProcess.Termination.exited(0)), ("exit 3", .exited(3)), ("kill -TERM $$", .signaled(SIGTERM)),
        ("sleep 0.2; exit 7", .exited(7)),
    ], [true, false])
    func seesHowTheChildEnded(_ ending: (script: String, expected: ChildProcess.Termination), throughPidfds: Bool) async throws {
        let (script, expected) = ending
        let child = try ChildProcess.spawn(path: "/bin/sh", arguments: ["sh", "-c", script], environment: [], directory: nil).release()
        defer { child.closeOutput() }
        let watch = ChildExitWatch(pid: child.pid, exits: throughPidfds ? ChildExits.shared : nil)
        #expect(await Self.ending(of: watch) == expected)
        // Not reaped by the watch: the pid, and so the group's id, is still this process's to reap.
        #expect(child.reap() == expected)
    }

    @Test(arguments: [true, false]) func manyChildrenAtOnceEachGetTheirOwnEnding(throughPidfds: Bool) async throws {
        let children = try (0..<40).map { index in
            try ChildProcess.spawn(path: "/bin/sh", arguments: ["sh", "-c", "exit \(index)"], environment: [], directory: nil).release()
        }
        let watches = children.map { ChildExitWatch(pid: $0.pid, exits: throughPidfds ? ChildExits.shared : nil) }
        for (index, watch) in watches.enumerated() {
            #expect(await Self.ending(of: watch) == .exited(Int32(index)))
        }
        for (index, child) in children.enumerated() {
            #expect(child.reap() == .exited(Int32(index)))
            child.closeOutput()
        }
    }

    /// What the watch saw, waiting 10 s at most.
    static func ending(of watch: ChildExitWatch) async -> ChildProcess.Termination? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(10))
        while watch.termination == nil, clock.now < deadline {
            await watch.wait(upTo: .seconds(1))
        }
        return watch.termination
    }
}
