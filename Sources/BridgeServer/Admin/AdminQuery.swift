import BridgeCore
import Foundation
import Hummingbird

/// A list request's query parameters, checked: `limit`, `cursor`, the filters, and `since`/`until` as RFC 3339 times.
/// Anything malformed is a 400 naming the parameter. An empty text filter (`source=`) is no filter; an empty `limit`,
/// `cursor`, `status`, `since` or `until` is malformed, as the OpenAPI document says, unless `emptyIsAbsent` (an HTML
/// form's blank fields).
struct AdminQuery {
    static let deliveryStatuses: Set = ["queued", "ping", "ignored", "duplicate"]
    static let runStatuses = Set(RunStatus.allCases.map(\.rawValue))

    let request: Request
    let emptyIsAbsent: Bool

    init(_ request: Request, emptyIsAbsent: Bool = false) {
        self.request = request
        self.emptyIsAbsent = emptyIsAbsent
    }

    func deliveryQuery() throws(AdminAnswer) -> DeliveryQuery {
        DeliveryQuery(
            limit: try limit(), before: try cursor(), source: text("source"), status: try status(Self.deliveryStatuses),
            repository: text("repository"), since: try time("since"), until: try time("until"))
    }

    func runQuery() throws(AdminAnswer) -> RunQuery {
        RunQuery(
            limit: try limit(), before: try cursor(), source: text("source"), status: try status(Self.runStatuses),
            environment: text("environment"), repository: text("repository"), rule: text("rule"), since: try time("since"),
            until: try time("until"))
    }

    /// A filter's value; an empty one is no filter.
    func text(_ name: String) -> String? {
        request.uri.queryParameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A typed parameter's text: nil when absent, empty only when given empty and that is not taken as absent.
    func typed(_ name: String) -> String? {
        request.uri.queryParameters.get(name).flatMap { $0.isEmpty && emptyIsAbsent ? nil : $0 }
    }

    func limit() throws(AdminAnswer) -> Int {
        guard let text = typed("limit") else { return AdminRouter.defaultLimit }
        guard let limit = Int(text), (1...AdminRouter.maximumLimit).contains(limit) else {
            throw .error(400, "limit must be an integer from 1 to \(AdminRouter.maximumLimit)")
        }
        return limit
    }

    /// The id a `cursor` stands for (a previous page's `nextCursor`).
    func cursor() throws(AdminAnswer) -> Int64? {
        guard let text = typed("cursor") else { return nil }
        guard let id = Page<RunSummary>.id(cursor: text) else { throw .error(400, "cursor must be a nextCursor of an earlier page") }
        return id
    }

    func status(_ allowed: Set<String>) throws(AdminAnswer) -> String? {
        guard let status = typed("status") else { return nil }
        guard allowed.contains(status) else { throw .error(400, "status must be one of \(allowed.sorted().joined(separator: ", "))") }
        return status
    }

    /// An RFC 3339 time (`2026-12-01T08:00:00Z`, fractional seconds allowed).
    func time(_ name: String) throws(AdminAnswer) -> Date? {
        guard let text = typed(name) else { return nil }
        guard let date = AdminRFC3339.parse(text) else {
            throw .error(400, "\(name) must be an RFC 3339 time such as 2026-12-01T08:00:00Z")
        }
        return date
    }
}
