import Foundation

/// A step the worker holds a lease on, with what it needs to run it.
public struct ClaimedStep: Sendable, Hashable {
    public var stepID: Int64
    public var runID: Int64
    /// 1-based position in the run.
    public var position: Int
    /// How many steps the run has.
    public var stepCount: Int
    public var target: String
    public var provider: String
    /// The real resource it deploys to (`StepResource`); the target's name for a step recorded before resources were.
    public var resource: String
    /// Unrendered parameters (the worker renders templates with `TemplateVariables.make`).
    public var parameters: ConfigValue
    /// This attempt's number (1 for the first).
    public var attempt: Int
    /// The provider's id for a deployment an earlier holder started: poll it, never start again.
    public var externalID: String?
    /// The process an earlier attempt started whose outcome was never recorded (a `command` step resumed after a
    /// crash): it may still run, and must end before the step's command runs again.
    public var earlierProcess: LocalProcess?
    public var rule: String
    public var environment: String?
    public var deliveryKey: String
    public var event: PushEvent
    public var leaseExpiresAt: Date
    /// When the step was first claimed (a resume or a retry keeps it; `runs retry` clears it): a provider step's
    /// `timeout` counts from here.
    public var startedAt: Date
    /// The error of the attempt before this one, when it was retried.
    public var lastError: String?

    public init(
        stepID: Int64, runID: Int64, position: Int, stepCount: Int, target: String, provider: String, resource: String,
        parameters: ConfigValue, attempt: Int, externalID: String?, earlierProcess: LocalProcess? = nil, rule: String, environment: String?,
        deliveryKey: String, event: PushEvent, leaseExpiresAt: Date, startedAt: Date, lastError: String? = nil
    ) {
        self.stepID = stepID
        self.runID = runID
        self.position = position
        self.stepCount = stepCount
        self.target = target
        self.provider = provider
        self.resource = resource
        self.parameters = parameters
        self.attempt = attempt
        self.externalID = externalID
        self.earlierProcess = earlierProcess
        self.rule = rule
        self.environment = environment
        self.deliveryKey = deliveryKey
        self.event = event
        self.leaseExpiresAt = leaseExpiresAt
        self.startedAt = startedAt
        self.lastError = lastError
    }
}

/// How a step ended.
public enum StepResult: Sendable, Hashable {
    case succeeded
    case failed(reason: String)
    case canceled(reason: String)
}

/// What renewing a lease found.
public enum LeaseState: Sendable, Hashable {
    /// Still ours, until the new expiry.
    case held
    /// Someone asked to cancel the run (`gitops-bridge runs cancel`): cancel the deployment and finish as canceled.
    case cancelRequested
    /// No longer ours (expired and taken, or the step finished elsewhere): stop touching it.
    case lost
}

/// A status update waiting in the durable outbox.
public struct PendingStatusUpdate: Sendable, Hashable {
    public var outboxID: Int64
    /// The `StatusReporterKind` that sends it (`gitlab`, `github-deployment`, …).
    public var reporter: String
    public var update: StatusUpdate
    /// Attempts made so far.
    public var attempts: Int
    /// When the sender's claim on the row expires: another sender may take it from then on.
    public var claimExpiresAt: Date

    public init(outboxID: Int64, reporter: String, update: StatusUpdate, attempts: Int, claimExpiresAt: Date) {
        self.outboxID = outboxID
        self.reporter = reporter
        self.update = update
        self.attempts = attempts
        self.claimExpiresAt = claimExpiresAt
    }
}

/// The worker's side of the store: leases on steps, their outcomes, and the status outbox.
///
/// Every state change of a run that a forge should show (started, succeeded, failed, canceled) enqueues an outbox
/// row in the same transaction, for runs whose source forge reports status (GitLab) and whose rule names an
/// environment, so a crash can never lose one.
public protocol WorkQueue: Sendable {
    /// Claims the next runnable step for `owner`, leased until `now + lease`: the lowest pending step of the
    /// oldest active run whose earlier steps all succeeded, whose resource (`StepResource`) has no other step running,
    /// and whose retry time has come; or a running step whose lease expired (to resume). On its way, it supersedes
    /// each queued run it passes for which a newer run of the same rule and environment exists.
    func claimNextStep(owner: String, now: Date, lease: Duration) async throws(StoreError) -> ClaimedStep?
    /// Extends the lease; says whether it is still held, or whether a cancel was requested.
    func renewLease(stepID: Int64, owner: String, now: Date, lease: Duration) async throws(StoreError) -> LeaseState
    /// Records the provider's id for the step's deployment, as soon as it is known.
    func recordExternalID(stepID: Int64, owner: String, externalID: String) async throws(StoreError)
    /// Records the local process the step's current attempt started (a `command` step), before the program runs,
    /// so that a later attempt can end it if the bridge stops meanwhile; replaces an earlier attempt's. Only the
    /// lease's owner may (`StoreError.conflict` otherwise).
    func recordProcess(stepID: Int64, owner: String, process: LocalProcess) async throws(StoreError)
    /// Appends provider output to the step's log (the store keeps the last 64 KiB).
    func appendLog(stepID: Int64, text: String) async throws(StoreError)
    /// Adds a note to the step (what the worker did about it, shown by `runs show`).
    func addStepNote(stepID: Int64, text: String) async throws(StoreError)
    /// Finishes the step, with `log` appended to its log in the same transaction, and, when that ends the run, the
    /// run (later steps of a failed or canceled run are skipped). Forgets the step's recorded process.
    func finishStep(stepID: Int64, owner: String, result: StepResult, log: String, now: Date) async throws(StoreError)
    /// `finishStep`, then `claimNextStep` for the same owner, leased until `now + lease`: a worker's slot records how
    /// its step ended and takes its next step with one commit (both stores do both in one transaction).
    func finishStep(
        stepID: Int64, owner: String, result: StepResult, log: String, now: Date, claimingNextFor lease: Duration
    ) async throws(StoreError) -> ClaimedStep?
    /// Gives the step back after a retryable error: pending again from `retryAt`, the error recorded.
    func retryStepLater(stepID: Int64, owner: String, error: String, retryAt: Date, now: Date) async throws(StoreError)
    /// Releases every lease `owner` holds (graceful shutdown), so another worker or the next start resumes them.
    func releaseLeases(owner: String, now: Date) async throws(StoreError)
    /// How many steps are waiting to run.
    func queueDepth() async throws(StoreError) -> Int
    /// `queueDepth()` plus the running steps whose lease expired at `now` (waiting to be resumed).
    func queueDepth(now: Date) async throws(StoreError) -> Int

    /// Changes a run as `decide` says (a `RunLifecycle` decision), in one transaction with the run's state read under
    /// whatever lock keeps another process from changing it meanwhile; the run's summary after the change.
    func changeRun(
        id: Int64, now: Date, _ decide: @escaping @Sendable (RunState) throws(StoreError) -> RunChange
    ) async throws(StoreError) -> RunSummary

    /// Claims for `owner`, until `now + lease`, up to `limit` outbox rows due at `now`, oldest first: at most one per
    /// run (its oldest unsent), and none another sender holds a live claim on. A run's next row is due only once this one
    /// is sent or given up, so the forge sees its updates in order.
    func claimStatusUpdates(owner: String, now: Date, lease: Duration, limit: Int) async throws(StoreError) -> [PendingStatusUpdate]
    /// Marks an outbox row sent and remembers the forge's deployment id, when the reporter gave one, for the run's later
    /// updates. Only the claim's
    /// holder may (a claim that expired but was not taken by another sender is still its holder's); otherwise nothing
    /// changes.
    func statusSent(outboxID: Int64, owner: String, deploymentID: String?, now: Date) async throws(StoreError)
    /// Records a failed send by the claim's holder: tried again at `retryAt`, or, when nil, given up (the error kept on
    /// the row). A send the forge only asked to wait for (a rate limit) is not `attempted`: it counts toward no give-up.
    func statusFailed(outboxID: Int64, owner: String, error: String, retryAt: Date?, attempted: Bool, now: Date) async throws(StoreError)
}

extension WorkQueue {
    /// Cancels a run: a queued one at once, a running one by asking its worker (`RunLifecycle.cancel`).
    public func cancelRun(id: Int64, now: Date) async throws(StoreError) -> RunSummary {
        try await changeRun(id: id, now: now, RunLifecycle.cancel)
    }

    /// Runs a failed, canceled or superseded run again from its first unfinished step (`RunLifecycle.retry`).
    public func retryRun(id: Int64, now: Date) async throws(StoreError) -> RunSummary {
        try await changeRun(id: id, now: now, RunLifecycle.retry)
    }

    /// Finishes the step with nothing to add to its log.
    public func finishStep(stepID: Int64, owner: String, result: StepResult, now: Date) async throws(StoreError) {
        try await finishStep(stepID: stepID, owner: owner, result: result, log: "", now: now)
    }
}

extension WorkQueue {
    /// Records a failed attempt (`statusFailed(…attempted: true…)`).
    public func statusFailed(outboxID: Int64, owner: String, error: String, retryAt: Date?, now: Date) async throws(StoreError) {
        try await statusFailed(outboxID: outboxID, owner: owner, error: error, retryAt: retryAt, attempted: true, now: now)
    }
}
