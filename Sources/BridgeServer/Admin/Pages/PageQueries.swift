import BridgeCore
import Foundation
import Hummingbird

/// A list page's query parameters, read like the API's (`source`, `status`, …, `cursor`) into the store's query. A
/// malformed value is not an error page: the list says what is wrong and shows everything.
struct PageQueries {
    static let pageSize = 50

    let request: Request

    /// A filter's value; a blank one is no filter.
    func text(_ name: String) -> String? {
        request.uri.queryParameters.get(name).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The deliveries query, or the problem with the parameters.
    func deliveries() -> (query: DeliveryQuery, problem: String?) {
        var query = DeliveryQuery(limit: Self.pageSize, source: text("source"), repository: text("repository"))
        var problems: [String] = []
        check(text("status"), AdminQuery.deliveryStatuses, &query.status, &problems)
        query.before = cursor(&problems)
        if let since = text("since") {
            query.since = Self.time(since)
            if query.since == nil { problems.append("since must be a date such as 2026-12-01 or a time such as 2026-12-01T06:00:00Z") }
        }
        return (query, problems.isEmpty ? nil : problems.joined(separator: "; "))
    }

    /// The runs query, or the problem with the parameters.
    func runs() -> (query: RunQuery, problem: String?) {
        var query = RunQuery(
            limit: Self.pageSize, source: text("source"), environment: text("environment"), repository: text("repository"),
            rule: text("rule"))
        var problems: [String] = []
        check(text("status"), AdminQuery.runStatuses, &query.status, &problems)
        query.before = cursor(&problems)
        return (query, problems.isEmpty ? nil : problems.joined(separator: "; "))
    }

    /// The same list with the same filters, from the next cursor on.
    func nextPage(path: String, cursor: String?) -> String? {
        guard let cursor else { return nil }
        var items = request.uri.queryParameters.filter { $0.key != "cursor" && !$0.value.isEmpty }
            .map { "\(PageHTTP.encode(String($0.key)))=\(PageHTTP.encode(String($0.value)))" }
        items.append("cursor=\(PageHTTP.encode(cursor))")
        return path + "?" + items.joined(separator: "&")
    }

    private func check(_ value: String?, _ allowed: Set<String>, _ field: inout String?, _ problems: inout [String]) {
        guard let value else { return }
        if allowed.contains(value) {
            field = value
        } else {
            problems.append("status must be one of \(allowed.sorted().joined(separator: ", "))")
        }
    }

    private func cursor(_ problems: inout [String]) -> Int64? {
        guard let text = text("cursor") else { return nil }
        guard let id = Page<RunSummary>.id(cursor: text) else {
            problems.append("that page no longer exists: start again from the first")
            return nil
        }
        return id
    }

    /// An RFC 3339 time, or a date (its midnight, UTC).
    static func time(_ text: String) -> Date? {
        AdminRFC3339.parse(text) ?? AdminRFC3339.parse(text + "T00:00:00Z")
    }
}
