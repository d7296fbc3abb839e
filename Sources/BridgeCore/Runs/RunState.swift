/// A run as `RunLifecycle` needs it to decide: read by a store inside the transaction that applies the decision.
public struct RunState: Sendable, Hashable {
    public var id: Int64
    public var status: RunStatus
    /// A running run waits for its worker to cancel the step in flight.
    public var cancelRequested: Bool
    /// The reporters its forge is told through (`StatusReporterKind` names), chosen when it was planned.
    public var reporters: [String]
    /// The last status enqueued for the forge (nil: none yet).
    public var reported: ForgeDeploymentStatus?
    /// Its steps, in position order.
    public var steps: [StepState]

    public init(
        id: Int64, status: RunStatus, cancelRequested: Bool, reporters: [String], reported: ForgeDeploymentStatus?,
        steps: [StepState]
    ) {
        self.id = id
        self.status = status
        self.cancelRequested = cancelRequested
        self.reporters = reporters
        self.reported = reported
        self.steps = steps
    }
}

/// A step of a `RunState`.
public struct StepState: Sendable, Hashable {
    public var id: Int64
    public var status: StepStatus
    /// Attempts made so far (0: never tried).
    public var attempts: Int
    /// The provider's id of a deployment the step started is recorded: one may be in flight.
    public var hasExternalID: Bool

    public init(id: Int64, status: StepStatus, attempts: Int, hasExternalID: Bool) {
        self.id = id
        self.status = status
        self.attempts = attempts
        self.hasExternalID = hasExternalID
    }
}

/// What a store writes for one `RunLifecycle` decision, in the transaction that read the `RunState`.
public struct RunChange: Sendable, Hashable {
    /// Which of the run's times the change sets.
    public enum Times: Sendable, Hashable {
        /// Only `updated_at`.
        case unchanged
        /// The run started: `started_at`.
        case started
        /// The run ended: `finished_at`.
        case finished
        /// The run was retried: `retried_at` set, `started_at` and `finished_at` cleared.
        case retried
    }

    /// A step's new status.
    public struct Step: Sendable, Hashable {
        public var id: Int64
        public var status: StepStatus
        /// Forget the step's earlier attempts: attempts, error, external id, lease, recorded process and times
        /// (a retried run's step). Its log and notes stay.
        public var reset: Bool

        public init(id: Int64, status: StepStatus, reset: Bool = false) {
            self.id = id
            self.status = status
            self.reset = reset
        }
    }

    /// The run's new status; nil when it stays.
    public var status: RunStatus?
    /// The run's new cancel request; nil when it stays.
    public var cancelRequested: Bool?
    public var times: Times
    /// Steps whose status changes.
    public var steps: [Step]
    /// Outbox rows to add: one status for some of the run's reporters.
    public struct Report: Sendable, Hashable {
        public var status: ForgeDeploymentStatus
        /// The reporters told (`StatusOutboxPolicy` allowed each).
        public var reporters: [String]

        public init(status: ForgeDeploymentStatus, reporters: [String]) {
            self.status = status
            self.reporters = reporters
        }
    }

    /// The rows to enqueue in the outbox; nil for none.
    public var report: Report?

    public init(
        status: RunStatus? = nil, cancelRequested: Bool? = nil, times: Times = .unchanged, steps: [Step] = [],
        report: Report? = nil
    ) {
        self.status = status
        self.cancelRequested = cancelRequested
        self.times = times
        self.steps = steps
        self.report = report
    }

    /// Nothing but `updated_at`.
    public static let none = RunChange()
}
