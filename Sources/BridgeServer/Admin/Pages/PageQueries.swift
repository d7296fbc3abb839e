import BridgeCore
import Foundation

/// The filters of the deliveries list, named like their query parameters.
struct DeliveryFilters {
    var source: String?
    var status: String?
    var repository: String?
    var since: String?
    /// Only deliveries older than this id (the next page's cursor).
    var before: Int64?

    static let statuses = ["queued", "ping", "ignored", "duplicate"]
}

/// The filters of the runs list, named like their query parameters.
struct RunFilters {
    var status: String?
    var environment: String?
    var source: String?
    var repository: String?
    var rule: String?
    var before: Int64?
}

/// The store reads behind the pages' lists.
///
/// The store answers the newest rows with one filter (source for deliveries, status for runs); the pages' other
/// filters and the `before` cursor are applied to its newest `scanLimit` rows, so a list looks no further back than
/// that many rows.
struct PageQueries {
    static let pageSize = 50
    static let scanLimit = 2000

    let store: any DeliveryStore & WorkQueue

    func deliveries(_ filters: DeliveryFilters) async throws(StoreError) -> (rows: [DeliverySummary], more: Bool) {
        let since = try filters.since.map { text throws(StoreError) in
            guard let date = Self.date(text) else { throw .conflict("since must be a date like 2026-12-01 or 2026-12-01T06:00:00Z") }
            return date
        }
        var repositoryDeliveries: Set<Int64>?
        if let repository = filters.repository {
            let runs = try await store.runs(limit: Self.scanLimit, status: nil)
            repositoryDeliveries = Set(runs.filter { $0.repository == repository }.map(\.deliveryID))
        }
        let rows = try await store.deliveries(limit: Self.scanLimit, source: filters.source).filter { delivery in
            (filters.before.map { delivery.id < $0 } ?? true) && (filters.status.map { delivery.status == $0 } ?? true)
                && (since.map { delivery.receivedAt >= $0 } ?? true) && (repositoryDeliveries?.contains(delivery.id) ?? true)
        }
        return (Array(rows.prefix(Self.pageSize)), rows.count > Self.pageSize)
    }

    func runs(_ filters: RunFilters) async throws(StoreError) -> (rows: [RunSummary], more: Bool) {
        let rows = try await store.runs(limit: Self.scanLimit, status: filters.status).filter { run in
            (filters.before.map { run.id < $0 } ?? true) && (filters.environment.map { run.environment == $0 } ?? true)
                && (filters.source.map { run.source == $0 } ?? true) && (filters.repository.map { run.repository == $0 } ?? true)
                && (filters.rule.map { run.rule == $0 } ?? true)
        }
        return (Array(rows.prefix(Self.pageSize)), rows.count > Self.pageSize)
    }

    /// The overview's numbers: queued runs, running runs, the latest failures.
    func overview() async throws(StoreError) -> (queued: Int, running: [RunSummary], failures: [RunSummary]) {
        let queued = try await store.runs(limit: Self.scanLimit, status: "queued").count
        let running = try await store.runs(limit: 50, status: "running")
        let failures = try await store.runs(limit: 10, status: "failed")
        return (queued, running, failures)
    }

    /// Each source's newest delivery, and whether one of its runs failed.
    func lastDelivery(source: String) async throws(StoreError) -> DeliverySummary? {
        try await store.deliveries(limit: 1, source: source).first
    }

    /// `2026-12-01`, `2026-12-01T06:00:00Z` or `2026-12-01T06:00:00+02:00`.
    static func date(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text + "T00:00:00Z", strategy: .iso8601)
    }
}
