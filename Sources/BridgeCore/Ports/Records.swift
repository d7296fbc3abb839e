import Foundation

/// A delivery in listings.
public struct DeliverySummary: Sendable, Hashable, Codable {
    public var id: Int64
    public var source: String
    public var forge: Forge
    public var key: String
    public var eventName: String
    public var receivedAt: Date
    /// `queued`, `ping`, `ignored` or `duplicate`.
    public var status: String
    public var reason: String?
    /// How many later copies of the same delivery key were answered as duplicates.
    public var duplicates: Int
    public var runCount: Int
    /// How many of its runs are in each run status now (`succeeded: 2`): what became of a `queued` delivery.
    public var runStatuses: [String: Int]
    /// Its first event's repository; nil for a ping, an ignored event type, or a delivery recorded before v7.
    public var repository: String?
    /// It arrived after recovery asked the forge to send it again (a missed delivery, recovered).
    public var recovered: Bool

    public init(
        id: Int64, source: String, forge: Forge, key: String, eventName: String, receivedAt: Date, status: String,
        reason: String?, duplicates: Int, runCount: Int, runStatuses: [String: Int] = [:], repository: String? = nil, recovered: Bool = false
    ) {
        self.recovered = recovered
        self.id = id
        self.source = source
        self.forge = forge
        self.key = key
        self.eventName = eventName
        self.receivedAt = receivedAt
        self.status = status
        self.reason = reason
        self.duplicates = duplicates
        self.runCount = runCount
        self.runStatuses = runStatuses
        self.repository = repository
    }
}

/// A delivery with the runs it created, its headers and what its events became.
public struct DeliveryDetail: Sendable, Hashable, Codable {
    public var summary: DeliverySummary
    public var runs: [RunSummary]
    /// Its request headers, secrets masked; empty for a delivery recorded before v7.
    public var headers: [DeliveryHeader]
    /// Its push events with every rule's verdict; empty for a ping, an ignored event type, or one recorded before v7.
    public var events: [DeliveryEventRecord]
    /// For a duplicate push (or a partly new one), the runs that already existed; empty otherwise and before v7.
    public var duplicateOfRuns: [Int64]

    public init(
        summary: DeliverySummary, runs: [RunSummary], headers: [DeliveryHeader] = [], events: [DeliveryEventRecord] = [],
        duplicateOfRuns: [Int64] = []
    ) {
        self.summary = summary
        self.runs = runs
        self.headers = headers
        self.events = events
        self.duplicateOfRuns = duplicateOfRuns
    }
}

/// A run in listings.
public struct RunSummary: Sendable, Hashable, Codable {
    public var id: Int64
    public var deliveryID: Int64
    public var rule: String
    public var environment: String?
    public var source: String
    public var repository: String
    public var ref: String
    public var sha: String
    /// `queued` until the worker takes it; later `running`, `succeeded`, `failed`, `canceled`, `superseded`.
    public var status: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, deliveryID: Int64, rule: String, environment: String?, source: String, repository: String, ref: String,
        sha: String, status: String, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.deliveryID = deliveryID
        self.rule = rule
        self.environment = environment
        self.source = source
        self.repository = repository
        self.ref = ref
        self.sha = sha
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A step of a run.
public struct StepRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var position: Int
    public var target: String
    public var provider: String
    public var parameters: ConfigValue
    /// The real resource it deploys to, which no other step runs on at the same time (`StepResource`); nil for a
    /// step recorded before resources were (it is serialised by target).
    public var resource: String?
    /// `pending` until the worker takes it.
    public var status: String
    public var attempts: Int
    public var externalID: String?
    public var error: String?
    public var log: String?
    /// What the worker did about the step beyond running it (an earlier copy of a command found after a restart).
    public var notes: [String]
    public var startedAt: Date?
    public var finishedAt: Date?

    public init(
        id: Int64, position: Int, target: String, provider: String, parameters: ConfigValue, resource: String? = nil, status: String,
        attempts: Int, externalID: String?, error: String?, log: String?, notes: [String] = [], startedAt: Date?, finishedAt: Date?
    ) {
        self.id = id
        self.position = position
        self.target = target
        self.provider = provider
        self.parameters = parameters
        self.resource = resource
        self.status = status
        self.attempts = attempts
        self.externalID = externalID
        self.error = error
        self.log = log
        self.notes = notes
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// A run with its event, notes and steps.
public struct RunDetail: Sendable, Hashable, Codable {
    public var summary: RunSummary
    public var event: PushEvent
    public var notes: [String]
    public var steps: [StepRecord]
    /// What its forge was told, or is to be told: the run's outbox rows, oldest first.
    public var statusUpdates: [StatusUpdateRecord]

    public init(summary: RunSummary, event: PushEvent, notes: [String], steps: [StepRecord], statusUpdates: [StatusUpdateRecord] = []) {
        self.summary = summary
        self.event = event
        self.notes = notes
        self.steps = steps
        self.statusUpdates = statusUpdates
    }
}

/// One status update of a run to its forge, as the outbox holds it.
public struct StatusUpdateRecord: Sendable, Hashable, Codable {
    /// Where it stands.
    public enum State: String, Sendable, Hashable, Codable {
        /// The forge accepted it.
        case sent
        /// Not sent yet: waiting for its turn, or for a retry after `lastError`.
        case pending
        /// Given up after `lastError` (a permanent error, or every attempt used).
        case givenUp = "given-up"
    }

    /// The `StatusReporterKind` that sends it (`github-deployment`).
    public var reporter: String
    /// The run's status it tells (`running`).
    public var status: String
    public var state: State
    public var attempts: Int
    /// The forge's own message for the last failed attempt.
    public var lastError: String?
    public var createdAt: Date
    /// When it was sent, or given up.
    public var settledAt: Date?

    public init(
        reporter: String, status: String, state: State, attempts: Int, lastError: String?, createdAt: Date, settledAt: Date?
    ) {
        self.reporter = reporter
        self.status = status
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.createdAt = createdAt
        self.settledAt = settledAt
    }
}
