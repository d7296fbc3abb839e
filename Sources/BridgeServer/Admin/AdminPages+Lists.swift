import BridgeCore
import Foundation
import Hummingbird

/// The overview and the two lists.
extension AdminPages {
    struct SourceRow {
        let name: String
        let lastDeliveryID: Int64?
        let lastTime: String?
        let lastISO: String?
        let outcome: String
        let reason: String?
        /// Whether the row stands out (a stored property: Mustache reads stored properties only).
        let attention: Bool

        init(name: String, lastDeliveryID: Int64?, lastTime: String?, lastISO: String?, outcome: String, reason: String?) {
            self.name = name
            self.lastDeliveryID = lastDeliveryID
            self.lastTime = lastTime
            self.lastISO = lastISO
            self.outcome = outcome
            self.reason = reason
            self.attention = reason != nil
        }
    }

    func overview() async throws(PageError) -> Content {
        let overview: OverviewView
        do {
            overview = try await data.overview()
        } catch {
            throw PageError(error)
        }
        let view: [String: Any] = [
            "queueDepth": overview.queue.queuedRuns, "running": overview.running.map(RunRow.init),
            "failures": overview.recentFailures.map(RunRow.init), "sources": overview.sources.map { sourceRow($0.name, last: $0.lastDelivery) },
            "silentHours": Int(Self.silentAfter / 3600),
        ]
        return Content(template: .overview, view: view, title: "Overview", section: "/")
    }

    /// A source's last delivery, and why it needs a look: refused since, never heard from, its last delivery's run
    /// failed, or silent too long.
    func sourceRow(_ name: String, last: DeliverySummary?) -> SourceRow {
        if let refusal = refusals.last(source: name), refusal.at > (last?.receivedAt ?? .distantPast) {
            let time = PageTime(refusal.at)
            return SourceRow(
                name: name, lastDeliveryID: nil, lastTime: time.text, lastISO: time.iso, outcome: "refused",
                reason: "its last delivery was refused: \(refusal.reason)")
        }
        guard let last else {
            return SourceRow(name: name, lastDeliveryID: nil, lastTime: nil, lastISO: nil, outcome: "–", reason: "no delivery recorded yet")
        }
        let time = PageTime(last.receivedAt)
        var reason: String?
        if (last.runStatuses["failed"] ?? 0) > 0 {
            reason = "its last delivery's run failed"
        } else if now().timeIntervalSince(last.receivedAt) > Self.silentAfter {
            reason = "silent for more than \(Int(Self.silentAfter / 3600)) hours"
        }
        return SourceRow(
            name: name, lastDeliveryID: last.id, lastTime: time.text, lastISO: time.iso, outcome: RecordFormatter.state(last), reason: reason)
    }

    func deliveriesPage(_ request: Request) async throws(PageError) -> Content {
        let parameters = PageQueries(request: request)
        let (query, problem) = parameters.deliveries()
        let filters = ["source": query.source ?? "", "repository": query.repository ?? "", "since": parameters.text("since") ?? ""]
        var view = listView(filters: filters, statuses: AdminQuery.deliveryStatuses, selected: query.status, problem: problem)
        try await fill(&view, parameters, path: "/deliveries", rows: DeliveryRow.init) { () async throws(StoreError) in
            try await data.deliveries(query)
        }
        return Content(template: .deliveries, view: view, title: "Deliveries", section: "/deliveries")
    }

    func runsPage(_ request: Request) async throws(PageError) -> Content {
        let parameters = PageQueries(request: request)
        let (query, problem) = parameters.runs()
        let filters = [
            "environment": query.environment ?? "", "source": query.source ?? "", "repository": query.repository ?? "", "rule": query.rule ?? "",
        ]
        var view = listView(filters: filters, statuses: AdminQuery.runStatuses, selected: query.status, problem: problem)
        try await fill(&view, parameters, path: "/runs", rows: RunRow.init) { () async throws(StoreError) in try await data.runs(query) }
        return Content(template: .runs, view: view, title: "Runs", section: "/runs")
    }

    /// What both lists show above their rows: the filters' values, the status choices, the problem with the parameters.
    private func listView(filters: [String: String], statuses: Set<String>, selected: String?, problem: String?) -> [String: Any] {
        var view: [String: Any] = [
            "filters": filters, "statusOptions": PageOption.list(statuses.sorted(), selected: selected, anyLabel: "any"),
            "sourceNames": sourceNames,
        ]
        if let problem { view["problem"] = problem }
        return view
    }

    /// A list's rows and its next page's link, from one page of the store.
    private func fill<Item>(
        _ view: inout [String: Any], _ parameters: PageQueries, path: String, rows: (Item) -> Any,
        _ fetch: () async throws(StoreError) -> Page<Item>
    ) async throws(PageError) {
        do {
            let page = try await fetch()
            view["rows"] = page.items.map(rows)
            if let next = parameters.nextPage(path: path, cursor: page.nextCursor) { view["nextPage"] = next }
        } catch {
            throw PageError(error)
        }
    }

    /// The rules' source names, for the filters' suggestions.
    var sourceNames: [String] { data.sourceNames }
}

extension AdminData {
    /// The rules' source names, sorted.
    var sourceNames: [String] { ruleSet.sources.keys.sorted() }
}
