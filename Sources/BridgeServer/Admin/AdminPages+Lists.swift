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
        do {
            let numbers = try await queries.overview()
            var rows: [SourceRow] = []
            for name in sources {
                rows.append(sourceRow(name, last: try await queries.lastDelivery(source: name)))
            }
            let view: [String: Any] = [
                "queueDepth": numbers.queued, "running": numbers.running.map(RunRow.init), "failures": numbers.failures.map(RunRow.init),
                "sources": rows, "silentHours": Int(Self.silentAfter / 3600),
            ]
            return Content(template: .overview, view: view, title: "Overview", section: "/")
        } catch {
            throw PageError(error)
        }
    }

    /// A source's last delivery, and why it needs a look: silent too long, never heard from, or its last delivery failed.
    func sourceRow(_ name: String, last: DeliverySummary?) -> SourceRow {
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
        let filters = DeliveryFilters(
            source: Self.parameter(request, "source"), status: Self.parameter(request, "status"),
            repository: Self.parameter(request, "repository"), since: Self.parameter(request, "since"),
            before: Self.parameter(request, "before").flatMap { Int64($0) })
        var view: [String: Any] = [
            "filters": ["source": filters.source ?? "", "repository": filters.repository ?? "", "since": filters.since ?? ""],
            "statusOptions": PageOption.list(DeliveryFilters.statuses, selected: filters.status, anyLabel: "any"),
            "sourceNames": sources, "rows": [DeliveryRow](),
        ]
        do {
            let page = try await queries.deliveries(filters)
            view["rows"] = page.rows.map(DeliveryRow.init)
            if page.more, let last = page.rows.last { view["nextPage"] = nextPage(request, path: "/deliveries", before: last.id) }
        } catch {
            guard case .conflict(let problem) = error else { throw PageError(error) }
            view["problem"] = problem
        }
        return Content(template: .deliveries, view: view, title: "Deliveries", section: "/deliveries")
    }

    func runsPage(_ request: Request) async throws(PageError) -> Content {
        var filters = RunFilters(
            status: Self.parameter(request, "status"), environment: Self.parameter(request, "environment"),
            source: Self.parameter(request, "source"), repository: Self.parameter(request, "repository"),
            rule: Self.parameter(request, "rule"), before: Self.parameter(request, "before").flatMap { Int64($0) })
        var view: [String: Any] = [
            "filters": [
                "environment": filters.environment ?? "", "source": filters.source ?? "", "repository": filters.repository ?? "",
                "rule": filters.rule ?? "",
            ],
            "sourceNames": sources, "rows": [RunRow](),
        ]
        if let status = filters.status, !AdminRouter.runStatuses.contains(status) {
            view["problem"] = "status must be one of \(AdminRouter.runStatuses.sorted().joined(separator: ", "))"
            filters.status = nil
        }
        view["statusOptions"] = PageOption.list(AdminRouter.runStatuses.sorted(), selected: filters.status, anyLabel: "any")
        if view["problem"] == nil {
            do {
                let page = try await queries.runs(filters)
                view["rows"] = page.rows.map(RunRow.init)
                if page.more, let last = page.rows.last { view["nextPage"] = nextPage(request, path: "/runs", before: last.id) }
            } catch {
                throw PageError(error)
            }
        }
        return Content(template: .runs, view: view, title: "Runs", section: "/runs")
    }

    /// The same list with the same filters, from just before `before`.
    func nextPage(_ request: Request, path: String, before: Int64) -> String {
        var items = request.uri.queryParameters.filter { $0.key != "before" && !$0.value.isEmpty }
            .map { "\(PageHTTP.encode(String($0.key)))=\(PageHTTP.encode(String($0.value)))" }
        items.append("before=\(before)")
        return path + "?" + items.joined(separator: "&")
    }
}
