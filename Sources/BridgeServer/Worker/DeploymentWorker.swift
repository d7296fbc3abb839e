import BridgeCore
import Foundation
import Logging
import ServiceLifecycle

/// Runs recorded deployment steps exactly once, in order, one step at a time per target (DESIGN.md §1 steps 7–10).
///
/// Each of `configuration.slots` slots claims the next runnable step under a lease, renders its templates, calls
/// the provider, and records the outcome. On SIGTERM it stops claiming, lets running steps finish within the
/// shutdown grace period, keeps sending their statuses to the forge until every slot has stopped (within the same
/// grace), then releases the leases it still holds so the next start resumes those steps.
public final class DeploymentWorker: Service, Sendable {
    let queue: any WorkQueue
    let deployers: [String: any Deployer]
    let outbox: StatusOutboxSender
    let configuration: WorkerConfiguration
    let metrics: BridgeMetrics
    let logger: Logger
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double
    /// Wakes idle slots.
    let signal = WorkSignal()
    /// Wakes the status outbox's sender.
    let outboxSignal = WorkSignal()
    let shutdown: ShutdownState
    /// Steps claimed for a slot as its previous step's end was recorded.
    let handoffs = SlotHandoffs()

    public convenience init(
        queue: any WorkQueue, deployers: [any Deployer], statusReporters: [String: any StatusReporter], configuration: WorkerConfiguration,
        metrics: BridgeMetrics, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.init(
            queue: queue, deployers: deployers, statusReporters: { statusReporters }, configuration: configuration, metrics: metrics,
            logger: logger, now: now, random: random)
    }

    /// `statusReporters` gives the reporters of the rules in force at each send (the rules may be reloaded).
    public init(
        queue: any WorkQueue, deployers: [any Deployer], statusReporters: @escaping @Sendable () -> [String: any StatusReporter],
        configuration: WorkerConfiguration, metrics: BridgeMetrics, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.queue = queue
        self.deployers = Dictionary(deployers.map { ($0.provider, $0) }, uniquingKeysWith: { first, _ in first })
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.now = now
        self.random = random
        self.shutdown = ShutdownState(grace: configuration.shutdownGrace)
        self.outbox = StatusOutboxSender(
            queue: queue, owner: "\(configuration.owner)#outbox", reporters: statusReporters, dashboardURL: configuration.dashboardURL,
            retry: configuration.statusRetry, metrics: metrics, logger: logger, now: now, random: random)
    }

    /// Tells an idle slot there may be work (called when a delivery queued runs), and the outbox, which may have a
    /// `queued` status to send.
    public func workArrived() {
        signal.notifyOne()
        outboxSignal.notify()
    }

    public func run() async throws {
        logger.info("worker started", metadata: ["worker.slots": "\(configuration.slots)", "worker.owner": "\(configuration.owner)"])
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.outbox.run(signal: self.outboxSignal, shutdown: self.shutdown) }
                group.addTask {
                    await withDiscardingTaskGroup { slots in
                        for slot in self.slotOwners {
                            slots.addTask { await self.slotLoop(owner: slot) }
                        }
                    }
                    // The outbox sends what the last steps recorded, then stops.
                    self.shutdown.slotsStopped()
                    self.outboxSignal.notify()
                }
            }
        } onGracefulShutdown: {
            self.shutdown.begin()
            self.signal.notify()
            self.outboxSignal.notify()
        }
        for owner in slotOwners {
            do {
                try await queue.releaseLeases(owner: owner, now: now())
            } catch {
                logger.error("could not release leases on shutdown; they expire by themselves", metadata: ["error": "\(error)"])
            }
        }
        logger.info("worker stopped")
    }

    /// Each slot holds its leases under a name of its own, so a slot whose lease expired while it still worked
    /// finds the lease lost when another slot of the same process has taken the step over.
    var slotOwners: [String] {
        (1...max(configuration.slots, 1)).map { "\(configuration.owner)#\($0)" }
    }

    private func slotLoop(owner: String) async {
        while !shutdown.isStopping && !Task.isCancelled {
            do {
                if let step = try await nextStep(owner: owner) {
                    // There may be more: the next idle slot looks (and wakes the next in turn if it finds some). The
                    // claim may have queued a `running` status for the outbox.
                    signal.notifyOne()
                    outboxSignal.notify()
                    await execute(step, owner: owner)
                    // This slot looks again at once, for the run's next step or another run waiting for this target.
                    continue
                }
            } catch {
                logger.error("cannot claim work", metadata: ["error": "\(error)"])
            }
            await refreshQueueDepth()
            await signal.wait(upTo: configuration.idlePoll)
        }
    }

    /// The step claimed for this slot when its last step ended, if its lease is still held, else a new claim.
    private func nextStep(owner: String) async throws(StoreError) -> ClaimedStep? {
        if handoffs.holds(owner) {
            // Claimed (or its lease renewed) a moment ago, unless the last step's provider took long to clean up after
            // its outcome: then the lease is renewed first, and the step left alone if it was lost meanwhile.
            do {
                try await renewHandoff(of: owner)
            } catch {
                _ = handoffs.take(owner)
                throw error
            }
            if let handoff = handoffs.take(owner) { return handoff.step }
        }
        return try await queue.claimNextStep(owner: owner, now: now(), lease: configuration.lease)
    }

    /// Keeps the lease of the step waiting in `handoffs` for the slot `owner` while the slot's last step's provider
    /// cleans up (up to a second of output held open elsewhere), from the step's `watch`. Without it, a lease shorter
    /// than that clean-up expired before the slot took the step, and another slot ran it (a loaded CI machine showed it).
    func keepHandoff(of owner: String) async {
        do {
            try await renewHandoff(of: owner)
        } catch {
            logger.warning("could not renew a lease", metadata: ["error": "\(error)"])
        }
    }

    /// Renews the lease of the step held for `owner` once a renewal period has passed since it was claimed or last
    /// renewed; drops the step when the lease was lost.
    private func renewHandoff(of owner: String) async throws(StoreError) {
        guard let handoff = handoffs.peek(owner), ContinuousClock.now - handoff.claimedAt >= Self.renewEvery(configuration.lease) else {
            return
        }
        switch try await queue.renewLease(stepID: handoff.step.stepID, owner: owner, now: now(), lease: configuration.lease) {
        case .lost: _ = handoffs.take(owner)
        case .held, .cancelRequested: handoffs.keep(handoff.step, for: owner)
        }
    }

    /// How often a held lease is renewed: every third of it, and every second at most (a cancel asked from the CLI or
    /// another replica is seen within a second).
    static func renewEvery(_ lease: Duration) -> Duration {
        min(lease / 3, .seconds(1))
    }

    private func refreshQueueDepth() async {
        if let depth = try? await queue.queueDepth() { metrics.setQueueDepth(depth) }
    }
}
