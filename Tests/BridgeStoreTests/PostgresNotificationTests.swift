import BridgeCore
import BridgeStore
import BridgeTestSupport
import Foundation
import Synchronization
import Testing

/// Replicas wake each other with `LISTEN`/`NOTIFY`: work recorded or changed through one store reaches another's
/// listener in milliseconds, not at its next poll.
@Suite("PostgreSQL work notifications")
struct PostgresNotificationTests {
    @Test func workRecordedByOneReplicaWakesAnother() async throws {
        let tested = try await TestStore(.postgres)
        let database = try await tested.another()
        #expect(database.announcesWork)
        let wakes = Mutex(0)
        let listening = Task { await database.listenForWork { wakes.withLock { $0 += 1 } } }
        defer { listening.cancel() }
        // The listener calls once when it starts listening (notifications sent before were lost).
        try await Self.waitUntil { wakes.withLock { $0 } >= 1 }
        let before = wakes.withLock { $0 }

        let started = ContinuousClock.now
        _ = try await tested.store.record(Fixtures.delivery(key: "wake-1"))
        try await Self.waitUntil { wakes.withLock { $0 } > before }
        #expect(ContinuousClock.now - started < .seconds(2))

        // A finished step (the run's next step claimable) and a cancel wake it too.
        let afterRecord = wakes.withLock { $0 }
        let step = try #require(try await tested.store.claimNextStep(owner: "w", now: Date(), lease: .seconds(30)))
        try await tested.store.finishStep(stepID: step.stepID, owner: "w", result: .succeeded, now: Date())
        try await Self.waitUntil { wakes.withLock { $0 } > afterRecord }

        // An ignored delivery gives no one work: no notification (once the claim's and the finish's have arrived).
        try await Task.sleep(for: .milliseconds(300))
        let settled = wakes.withLock { $0 }
        _ = try await tested.store.record(Fixtures.delivery(key: "ignored", runs: [], disposition: .ignored, reason: "no rule"))
        try await Task.sleep(for: .milliseconds(300))
        #expect(wakes.withLock { $0 } == settled)

        // A push whose first run was recorded before and whose second is new wakes it too: the statement that records a
        // delivery with its first run announces only a new first run, and the transaction announces the rest.
        _ = try await tested.store.record(
            Fixtures.delivery(key: "overlap", runs: [Fixtures.run("main-to-staging"), Fixtures.run("main-to-smoke")]))
        try await Self.waitUntil { wakes.withLock { $0 } > settled }
    }

    static func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw StoreError.unavailable("no notification within 5 s") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
