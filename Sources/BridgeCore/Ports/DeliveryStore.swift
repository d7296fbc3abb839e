import Foundation

/// A verified delivery and the runs it plans, to be recorded in one transaction.
public struct NewDelivery: Sendable, Hashable {
    /// What the bridge decided about the delivery before recording it.
    public enum Disposition: String, Sendable, Hashable, Codable {
        /// It plans runs (some may turn out to be duplicates of runs already recorded).
        case queued
        /// A ping or test hook.
        case ping
        /// Well-formed, but nothing to deploy: deletion, no matching rule, another event type.
        case ignored
    }

    /// The source's name (the `<source>` of `/hooks/<source>`).
    public var source: String
    /// The source's forge.
    public var forge: Forge
    /// The idempotency key: the forge's delivery id, or `sha256:<hex of body>` when the forge sent none.
    public var key: String
    /// The forge's event name as sent.
    public var eventName: String
    /// When the bridge received it.
    public var receivedAt: Date
    /// Queued, ping or ignored.
    public var disposition: Disposition
    /// Why it was ignored (nil when queued).
    public var reason: String?
    /// The runs to create; each is skipped if a run with the same (rule, repository, ref, sha) exists.
    public var runs: [PlannedRun]
    /// Its request headers, secrets masked (`DeliveryHeader.masked`).
    public var headers: [DeliveryHeader]
    /// What its push events became: each event with every rule's verdict (empty for a ping or an ignored event type).
    public var events: [DeliveryEventRecord]

    /// The repository it is filed under: its first event's.
    public var repository: String? { events.first?.event.repository ?? runs.first?.event.repository }

    /// Creates a delivery to record.
    public init(
        source: String, forge: Forge, key: String, eventName: String, receivedAt: Date, disposition: Disposition,
        reason: String? = nil, runs: [PlannedRun] = [], headers: [DeliveryHeader] = [], events: [DeliveryEventRecord] = []
    ) {
        self.source = source
        self.forge = forge
        self.key = key
        self.eventName = eventName
        self.receivedAt = receivedAt
        self.disposition = disposition
        self.reason = reason
        self.runs = runs
        self.headers = headers
        self.events = events
    }
}

/// A run as recorded, in answers to the forge and in listings.
public struct RecordedRun: Sendable, Hashable, Codable {
    /// The run's id.
    public var id: Int64
    /// The rule that created it.
    public var rule: String
    /// Its status (`queued` until the worker takes it).
    public var status: String

    /// Creates a run reference.
    public init(id: Int64, rule: String, status: String) {
        self.id = id
        self.rule = rule
        self.status = status
    }
}

/// What recording a delivery did.
public struct RecordOutcome: Sendable, Hashable {
    /// The outcome's kind, which the webhook route maps to 202 or 200.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Recorded, with at least one new run: 202.
        case queued
        /// Recorded as a ping or an ignored event: 200.
        case ignored
        /// Recorded, but every planned run already existed (the same push through another delivery): 200.
        case duplicatePush = "duplicate_push"
        /// The delivery key was already recorded; nothing was written: 200.
        case duplicateDelivery = "duplicate_delivery"
    }

    /// The kind.
    public var kind: Kind
    /// The recorded delivery (for a duplicate delivery, the original one).
    public var deliveryID: Int64
    /// Runs created by this delivery; for duplicates, the runs that already existed.
    public var runs: [RecordedRun]
    /// Why nothing new was queued (nil for `queued`).
    public var reason: String?

    /// Creates an outcome.
    public init(kind: Kind, deliveryID: Int64, runs: [RecordedRun], reason: String?) {
        self.kind = kind
        self.deliveryID = deliveryID
        self.runs = runs
        self.reason = reason
    }
}

/// Why the store failed. The webhook route answers 503 so the forge may retry.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The database could not be opened, read or written.
    case unavailable(String)
    /// A record was asked for that does not exist.
    case notFound(String)
    /// The record is not in a state that allows the change (`run 3 is already succeeded`).
    case conflict(String)
    /// Where the database is, or how to reach it, is given wrongly (`unknown parameter "sslmod"`): fix the setting.
    case invalidSettings(String)

    public var description: String {
        switch self {
        case .unavailable(let detail): "store unavailable: \(detail)"
        case .notFound(let what): "\(what) not found"
        case .conflict(let detail): detail
        case .invalidSettings(let detail): "database settings: \(detail)"
        }
    }
}

/// Where deliveries, runs and steps are kept.
public protocol DeliveryStore: Sendable {
    /// Records a delivery, its new runs and their steps in one durable transaction, idempotently.
    func record(_ delivery: NewDelivery) async throws(StoreError) -> RecordOutcome
    /// Throws unless a delivery can be recorded now (for `/readyz`): a store that reads but cannot write (a full
    /// disk, a read-only file) is not ready.
    func checkReady() async throws(StoreError)
    /// A page of deliveries, newest first, matching the query.
    func deliveries(_ query: DeliveryQuery) async throws(StoreError) -> Page<DeliverySummary>
    /// One delivery with its runs, headers and events.
    func delivery(id: Int64) async throws(StoreError) -> DeliveryDetail
    /// A page of runs, newest first, matching the query.
    func runs(_ query: RunQuery) async throws(StoreError) -> Page<RunSummary>
    /// One run with its steps.
    func run(id: Int64) async throws(StoreError) -> RunDetail
    /// Each source's newest delivery and how many it received since `since`, in the order given.
    func sourceActivity(sources: [String], since: Date) async throws(StoreError) -> [SourceActivity]
    /// How many runs wait and run, and how many of their steps are pending.
    func queueCounts() async throws(StoreError) -> QueueCounts
}

extension DeliveryStore {
    /// Recent deliveries, newest first: the first page of `deliveries(_:)`.
    public func deliveries(limit: Int, source: String?) async throws(StoreError) -> [DeliverySummary] {
        guard limit > 0 else { return [] }
        return try await deliveries(DeliveryQuery(limit: limit, source: source)).items
    }

    /// Recent runs, newest first: the first page of `runs(_:)`.
    public func runs(limit: Int, status: String?) async throws(StoreError) -> [RunSummary] {
        guard limit > 0 else { return [] }
        return try await runs(RunQuery(limit: limit, status: status)).items
    }
}
