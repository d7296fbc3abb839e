import BridgeCore
import Foundation
import Logging

/// Drains the durable status outbox to the forge: one update at a time per run, in order, retried on 429/5xx
/// and network errors (honouring `Retry-After`), so a forge outage delays statuses but loses none.
///
/// Rows are claimed (`WorkQueue.claimStatusUpdates`) for `claimLease`, so one sender at a time has a row, whichever
/// replica it runs in; a row whose claim would expire within `sendBudget` is left to be claimed again rather than sent,
/// so a send never outlives its claim (the reporter's requests time out well within it).
struct StatusOutboxSender: Sendable {
    let queue: any WorkQueue
    /// The name the sender claims rows under.
    let owner: String
    /// By `StatusReporterKind` name: the reporters the `status` blocks of the rules in force configure.
    let reporters: @Sendable () -> [String: any StatusReporter]
    /// Where people reach the bridge's pages (`--dashboard-url`): runs link to `<url>/runs/<id>`.
    let dashboardURL: String?
    let retry: RetryPolicy
    let metrics: BridgeMetrics
    let logger: Logger
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double

    /// How often the outbox is read when nobody wakes it (updates that became due after a backoff).
    static let idlePoll: Duration = .seconds(1)
    /// How long a claim on a row lasts: a row a crashed sender held waits this long for another.
    static let claimLease: Duration = .seconds(120)
    /// The longest one send may take. GitLab: a lookup and a create or update, 15 s each. GitHub, at worst: an
    /// installation lookup and a token, a lookup, a create and a status, and after a refused token a new token and the
    /// call again: 7 requests of at most 10 s (`GitHubReporters`).
    static let sendBudget: TimeInterval = 90
    /// How many rows one claim takes.
    static let batch = 10

    /// Sends due updates until every worker slot has stopped, then those still due, so the statuses of steps that
    /// finish during the shutdown grace go out too; never past the grace period (the rest wait for the next start).
    func run(signal: WorkSignal, shutdown: ShutdownState) async {
        while !Task.isCancelled && !shutdown.isGraceOver {
            // Read before sending: whatever the slots recorded before they stopped is due in this round.
            let slotsStopped = shutdown.haveSlotsStopped
            let sent = await sendDue(shutdown: shutdown)
            if slotsStopped && sent == 0 { return }
            if sent == 0 { await signal.wait(upTo: Self.idlePoll) }
        }
    }

    /// Wakes the sender (a run changed state).
    func wake(_ signal: WorkSignal) {
        signal.notify()
    }

    /// Sends every update due now, stopping early when the shutdown grace is over; returns how many were attempted.
    func sendDue(shutdown: ShutdownState? = nil) async -> Int {
        let due: [PendingStatusUpdate]
        do {
            due = try await queue.claimStatusUpdates(owner: owner, now: now(), lease: Self.claimLease, limit: Self.batch)
        } catch {
            logger.error("cannot read the status outbox", metadata: ["error": "\(error)"])
            return 0
        }
        var attempted = 0
        for pending in due {
            if shutdown?.isGraceOver == true { break }
            // Left for the next claim, by this sender or another: never sent by two at once.
            if pending.claimExpiresAt.timeIntervalSince(now()) < Self.sendBudget { continue }
            await send(pending)
            attempted += 1
        }
        return attempted
    }

    private func send(_ pending: PendingStatusUpdate) async {
        var logger = logger
        logger[metadataKey: "run.id"] = "\(pending.update.runID)"
        logger[metadataKey: "status"] = "\(pending.update.status.rawValue)"
        logger[metadataKey: "reporter"] = "\(pending.reporter)"
        guard let reporter = reporters()[pending.reporter] else {
            let forge = StatusReporterKind.all[pending.reporter]?.forge.rawValue ?? pending.reporter
            metrics.countStatusPost(reporter: pending.reporter, result: "not_configured")
            logger.warning("no status.\(forge) in the rules: the run's status is not reported")
            try? await queue.statusFailed(
                outboxID: pending.outboxID, owner: owner, error: "no status.\(forge) configured", retryAt: nil, now: now())
            return
        }
        var update = pending.update
        update.logURL = dashboardURL.map { "\($0)/runs/\(update.runID)" }
        do {
            let deploymentID = try await reporter.report(update)
            try await queue.statusSent(outboxID: pending.outboxID, owner: owner, deploymentID: deploymentID, now: now())
            metrics.countStatusPost(reporter: pending.reporter, result: "sent")
            logger.info("status reported", metadata: deploymentID.map { ["forge.deployment": "\($0)"] } ?? [:])
        } catch let error as ProviderError {
            let delay = retry.delay(after: pending.attempts + 1, error: error, random: random())
            let rateLimited = if case .rateLimited = error { true } else { false }
            metrics.countStatusPost(reporter: pending.reporter, result: rateLimited ? "rate_limited" : delay == nil ? "given_up" : "retry")
            let retryAt = delay.map { now().addingTimeInterval(DeploymentWorker.seconds($0)) }
            logger.log(level: delay == nil ? .error : .notice, "status report failed", metadata: ["error": "\(error)"])
            try? await queue.statusFailed(
                outboxID: pending.outboxID, owner: owner, error: error.description, retryAt: retryAt, attempted: !rateLimited, now: now())
        } catch {
            logger.error("could not record a sent status; it will be sent again", metadata: ["error": "\(error)"])
        }
    }
}
