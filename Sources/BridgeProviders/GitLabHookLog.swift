import BridgeCore
import Foundation
import NIOHTTP1

/// GitLab's project hooks and their recent events, for recovery and `doctor`.
///
/// https://docs.gitlab.com/api/project_webhooks/ — `GET /projects/:id/hooks`; `GET /projects/:id/hooks/:hook_id/events`
/// (newest first, `page`/`per_page`, the next page in `x-next-page`); `POST …/events/:hook_event_id/resend` (201, GitLab
/// 17.4 and later) sends an event again with the same `Idempotency-Key`, the key the bridge records, so a resend of a
/// recorded delivery would be a duplicate. The events' `request_headers` are read only for that key: their shape is
/// not documented field by field, so a header is looked for case-insensitively, and an event without one is left out.
public struct GitLabHookLog: HookLog {
    /// Pages read at most per listing (100 events each): a log longer than that back to `since` is an error, so the
    /// pass is not taken as complete.
    static let maxPages = 100

    let api: GitLabStatusReporter

    init(api: GitLabStatusReporter) {
        self.api = api
    }

    /// A client for the GitLab at `baseURL` with `token` (`api` scope, Maintainer of the projects).
    public init(baseURL: String, token: Secret, httpClient: ProviderHTTPClient) {
        self.init(api: GitLabStatusReporter(baseURL: baseURL, token: token, httpClient: httpClient))
    }

    public func hooks(of owner: HookOwner) async throws(ProviderError) -> [HookSettings] {
        let answer = try await get(try project(owner) + "/hooks?per_page=100")
        guard case .array(let items)? = answer.json else { throw .permanent("GitLab \(answer.status): the hook list is not a list") }
        return items.compactMap(Self.hook)
    }

    public func deliveries(of owner: HookOwner, hook: String, since: Date) async throws(ProviderError) -> [HookDelivery] {
        let path = try project(owner) + "/hooks/\(GitLabStatusReporter.pathSegment(hook))/events?per_page=100&page="
        var deliveries: [HookDelivery] = []
        var page = "1"
        for _ in 0..<Self.maxPages {
            let answer = try await get(path + page)
            guard case .array(let items)? = answer.json else { throw .permanent("GitLab \(answer.status): the event list is not a list") }
            let entries = items.compactMap(Self.delivery)
            deliveries += entries
            guard let next = answer.headers.first(name: "x-next-page"), !next.isEmpty, next.allSatisfy(\.isNumber), !items.isEmpty,
                !entries.contains(where: { $0.deliveredAt < since })
            else { return deliveries }
            page = next
        }
        throw .retryable(
            "GitLab: the hook's event log holds more than \(Self.maxPages * 100) events since \(since); read less at a time with reconcile --since",
            retryAfter: nil)
    }

    public func redeliver(_ delivery: HookDelivery, of owner: HookOwner, hook: String) async throws(ProviderError) {
        let url =
            try api.apiRoot + project(owner) + "/hooks/\(GitLabStatusReporter.pathSegment(hook))/events/"
            + GitLabStatusReporter.pathSegment(delivery.id) + "/resend"
        let answer = try await api.send(.POST, url: url)
        guard (200..<300).contains(answer.status) else { throw api.failure(answer) }
    }

    private func project(_ owner: HookOwner) throws(ProviderError) -> String {
        guard case .repository(let path) = owner else { throw .permanent("GitLab hooks are read per project, not per organization") }
        return "/projects/" + GitLabStatusReporter.pathSegment(path)
    }

    private func get(_ path: String) async throws(ProviderError) -> HTTPAnswer {
        let answer = try await api.send(.GET, url: api.apiRoot + path)
        guard answer.status == 200 else { throw api.failure(answer) }
        return HTTPAnswer(status: answer.status, headers: answer.headers, body: answer.body)
    }

    static func hook(_ item: ConfigValue) -> HookSettings? {
        guard let id = item["id"].flatMap(GitHubTransport.identifier) else { return nil }
        let alert = item["alert_status"]?.stringValue
        let disabledUntil = item["disabled_until"]?.stringValue
        // `alert_status` says whether GitLab sends to the hook now; `disabled_until` (which can outlive the back-off) only
        // where it is absent.
        let disabled = alert.map { $0 != "executable" } ?? (disabledUntil != nil)
        return HookSettings(
            id: id, url: item["url"]?.stringValue ?? "", active: !disabled, contentType: nil, pushEvents: item["push_events"]?.boolValue ?? false,
            tagPushEvents: item["tag_push_events"]?.boolValue ?? false, secretSet: nil,
            sslVerification: item["enable_ssl_verification"]?.boolValue ?? true,
            disabledReason: disabled
                ? [alert.map { "alert_status \($0)" }, disabledUntil.map { "disabled until \($0)" }].compactMap { $0 }.joined(separator: ", ") : nil)
    }

    static func delivery(_ item: ConfigValue) -> HookDelivery? {
        guard let id = item["id"].flatMap(GitHubTransport.identifier), let key = idempotencyKey(item["request_headers"]),
            let when = item["created_at"]?.stringValue, let created = HookLogs.date(when)
        else { return nil }
        let status: Int? =
            switch item["response_status"] {
            case .int(let code)?: code
            case .string(let text)?: Int(text)
            default: nil
            }
        return HookDelivery(id: id, key: key, deliveredAt: created, statusCode: status, redelivery: false, event: item["trigger"]?.stringValue ?? "")
    }

    /// `Idempotency-Key`, else `X-Gitlab-Event-UUID`, from the event's request headers (an object, or a list of pairs).
    static func idempotencyKey(_ headers: ConfigValue?) -> String? {
        var found: [String: String] = [:]
        switch headers {
        case .object(let members)?:
            for (name, value) in members { if let text = value.stringValue { found[name.lowercased()] = text } }
        case .array(let pairs)?:
            for pair in pairs {
                if let name = pair.arrayValue?.first?.stringValue, let value = pair.arrayValue?.last?.stringValue { found[name.lowercased()] = value }
            }
        default:
            return nil
        }
        return found["idempotency-key"] ?? found["x-gitlab-event-uuid"]
    }
}
