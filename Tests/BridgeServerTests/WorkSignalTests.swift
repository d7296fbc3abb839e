import Synchronization
import Testing

@testable import BridgeServer

/// How the worker's idle slots are woken (issue 14): one slot per new step, and no notification lost to a slot that was
/// busy when it came.
@Suite struct WorkSignalTests {
    /// How many waits have returned.
    final class Woken: Sendable {
        private let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
        func add() { count.withLock { $0 += 1 } }
    }

    /// Waits in a task of its own, counting in `woken` when it returns.
    static func waiter(_ signal: WorkSignal, _ woken: Woken) -> Task<Void, Never> {
        Task {
            await signal.wait(upTo: .seconds(60))
            woken.add()
        }
    }

    static func until(_ condition: () -> Bool) async throws {
        for _ in 0..<2000 where !condition() { try await Task.sleep(for: .milliseconds(5)) }
        #expect(condition())
    }

    @Test func notifyOneWakesASingleWaitingSlot() async throws {
        let signal = WorkSignal()
        let woken = Woken()
        let tasks = [Self.waiter(signal, woken), Self.waiter(signal, woken), Self.waiter(signal, woken)]
        try await Self.until { signal.waiting == 3 }

        signal.notifyOne()
        try await Self.until { woken.value == 1 }
        try await Task.sleep(for: .milliseconds(200))
        #expect(woken.value == 1)
        #expect(signal.waiting == 2)

        signal.notify()
        for task in tasks { await task.value }
        #expect(woken.value == 3)
    }

    /// A slot busy claiming when a step was recorded (its query ran before the step's commit) looks again at once
    /// instead of sleeping through its idle poll.
    @Test func aNotificationNoSlotWaitedForEndsTheNextWait() async throws {
        let signal = WorkSignal()
        signal.notifyOne()
        let woken = Woken()
        let started = ContinuousClock.now
        await Self.waiter(signal, woken).value
        // At once, not after the 60 s the wait allows.
        #expect(ContinuousClock.now - started < .seconds(30))

        // Kept once, not forever: the wait after it waits.
        let next = Self.waiter(signal, woken)
        try await Self.until { signal.waiting == 1 }
        try await Task.sleep(for: .milliseconds(200))
        #expect(woken.value == 1)
        signal.notify()
        await next.value
    }
}
