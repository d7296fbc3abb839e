import Foundation

/// One page of a newest-first list, and the cursor of the next (older) page.
public struct Page<Item: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    /// The items, newest first.
    public var items: [Item]
    /// The cursor that continues the list after the last item (its id, in decimal); nil on the last page.
    public var nextCursor: String?

    /// Creates a page.
    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// The first `limit` of `rows` (read with one more than `limit`), with a cursor when there were more.
    public init(rows: [Item], limit: Int, id: (Item) -> Int64) {
        let items = Array(rows.prefix(max(0, limit)))
        self.init(items: items, nextCursor: rows.count > items.count ? items.last.map { String(id($0)) } : nil)
    }

    /// The id a cursor stands for: a positive decimal integer, the last id of the previous page; nil when malformed.
    public static func id(cursor: String) -> Int64? {
        guard let id = Int64(cursor), id > 0, String(id) == cursor else { return nil }
        return id
    }
}

/// Which deliveries to list: newest first, `limit` at most, older than the cursor `before`, and only those that match
/// every filter given.
public struct DeliveryQuery: Sendable, Hashable {
    public var limit: Int
    /// Only deliveries with a smaller id (the previous page's `nextCursor`).
    public var before: Int64?
    public var source: String?
    /// `queued`, `ping`, `ignored` or `duplicate`.
    public var status: String?
    /// The delivery's first event's repository (recorded from v7 on; older deliveries have none).
    public var repository: String?
    /// Received at or after.
    public var since: Date?
    /// Received before.
    public var until: Date?

    /// Creates a query; with no filter, the newest `limit` deliveries.
    public init(
        limit: Int, before: Int64? = nil, source: String? = nil, status: String? = nil, repository: String? = nil, since: Date? = nil,
        until: Date? = nil
    ) {
        self.limit = limit
        self.before = before
        self.source = source
        self.status = status
        self.repository = repository
        self.since = since
        self.until = until
    }
}

/// Which runs to list: newest first, `limit` at most, older than the cursor `before`, matching every filter given.
public struct RunQuery: Sendable, Hashable {
    public var limit: Int
    /// Only runs with a smaller id (the previous page's `nextCursor`).
    public var before: Int64?
    public var source: String?
    /// `queued`, `running`, `succeeded`, `failed`, `canceled` or `superseded`.
    public var status: String?
    public var environment: String?
    public var repository: String?
    public var rule: String?
    /// Created at or after.
    public var since: Date?
    /// Created before.
    public var until: Date?

    /// Creates a query; with no filter, the newest `limit` runs.
    public init(
        limit: Int, before: Int64? = nil, source: String? = nil, status: String? = nil, environment: String? = nil,
        repository: String? = nil, rule: String? = nil, since: Date? = nil, until: Date? = nil
    ) {
        self.limit = limit
        self.before = before
        self.source = source
        self.status = status
        self.environment = environment
        self.repository = repository
        self.rule = rule
        self.since = since
        self.until = until
    }
}

/// A source's recent activity: its last delivery and how many arrived since a time.
public struct SourceActivity: Sendable, Hashable, Codable {
    public var source: String
    /// Its newest delivery; nil when it never received one.
    public var lastDelivery: DeliverySummary?
    /// Deliveries received since the time asked for.
    public var recentDeliveries: Int

    public init(source: String, lastDelivery: DeliverySummary?, recentDeliveries: Int) {
        self.source = source
        self.lastDelivery = lastDelivery
        self.recentDeliveries = recentDeliveries
    }
}

/// How much work waits and runs now.
public struct QueueCounts: Sendable, Hashable, Codable {
    /// Runs not started yet.
    public var queuedRuns: Int
    /// Runs in progress.
    public var runningRuns: Int
    /// Steps of queued or running runs still to run.
    public var pendingSteps: Int

    public init(queuedRuns: Int, runningRuns: Int, pendingSteps: Int) {
        self.queuedRuns = queuedRuns
        self.runningRuns = runningRuns
        self.pendingSteps = pendingSteps
    }
}
