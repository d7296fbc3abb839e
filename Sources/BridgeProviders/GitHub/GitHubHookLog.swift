import BridgeCore
import Foundation
import NIOHTTP1

/// GitHub's hooks and their delivery logs, for recovery and `doctor`.
///
/// https://docs.github.com/en/rest/repos/webhooks and /orgs/webhooks — `GET …/hooks` lists hooks;
/// `GET …/hooks/{id}/deliveries?per_page=100` the log, newest first, cursor-paged by a `Link: <…>; rel="next"` header
/// (only its `cursor` is taken: the client builds the next path itself, so a link to another host goes nowhere);
/// `POST …/deliveries/{delivery_id}/attempts` (202) has GitHub send a delivery again, with the same `guid`.
public struct GitHubHookLog: HookLog {
    /// Pages read at most per listing (100 entries each): a log longer than that back to `since` is an error, so the
    /// pass is not taken as complete.
    static let maxPages = 100

    let client: GitHubClient

    public init(client: GitHubClient) {
        self.client = client
    }

    public func hooks(of owner: HookOwner) async throws(ProviderError) -> [HookSettings] {
        let answer = try await client.send(.GET, try Self.base(owner) + "/hooks?per_page=100", repository: Self.account(owner), expecting: [200])
        guard case .array(let items)? = answer.json else { throw .permanent("GitHub \(answer.status): the hook list is not a list") }
        return items.compactMap(Self.hook)
    }

    public func deliveries(of owner: HookOwner, hook: String, since: Date) async throws(ProviderError) -> [HookDelivery] {
        let path = try Self.base(owner) + "/hooks/\(GitHubTransport.encoded(hook))/deliveries?per_page=100"
        var deliveries: [HookDelivery] = []
        var cursor: String?
        for _ in 0..<Self.maxPages {
            let page = path + (cursor.map { "&cursor=\(GitHubTransport.encoded($0))" } ?? "")
            let answer = try await client.send(.GET, page, repository: Self.account(owner), expecting: [200])
            guard case .array(let items)? = answer.json else { throw .permanent("GitHub \(answer.status): the delivery list is not a list") }
            let entries = items.compactMap(Self.delivery)
            deliveries += entries
            cursor = Self.nextCursor(answer.headers)
            if cursor == nil || entries.isEmpty || entries.contains(where: { $0.deliveredAt < since }) { return deliveries }
        }
        throw .retryable(
            "GitHub: the hook's delivery log holds more than \(Self.maxPages * 100) deliveries since \(since); read less at a time with reconcile --since",
            retryAfter: nil)
    }

    public func redeliver(_ delivery: HookDelivery, of owner: HookOwner, hook: String) async throws(ProviderError) {
        let path = try Self.base(owner) + "/hooks/\(GitHubTransport.encoded(hook))/deliveries/\(GitHubTransport.encoded(delivery.id))/attempts"
        _ = try await client.send(.POST, path, repository: Self.account(owner), expecting: [202, 200, 201])
    }

    static func base(_ owner: HookOwner) throws(ProviderError) -> String {
        switch owner {
        case .repository(let name): try GitHubTransport.repositoryPath(name)
        case .organization(let name): "/orgs/" + GitHubTransport.encoded(name)
        }
    }

    /// What an app's installation token is asked for (an organisation needs the block's `installation_id`).
    static func account(_ owner: HookOwner) -> String {
        switch owner {
        case .repository(let name), .organization(let name): name
        }
    }

    static func hook(_ item: ConfigValue) -> HookSettings? {
        guard let id = item["id"].flatMap(GitHubTransport.identifier) else { return nil }
        let config = item["config"]
        let events = item["events"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return HookSettings(
            id: id, url: config?["url"]?.stringValue ?? "", active: item["active"]?.boolValue ?? false,
            contentType: config?["content_type"]?.stringValue, pushEvents: events.contains("push") || events.contains("*"),
            tagPushEvents: events.contains("push") || events.contains("*"), secretSet: config?["secret"]?.stringValue.map { !$0.isEmpty } ?? false,
            sslVerification: (config?["insecure_ssl"].flatMap(GitHubTransport.identifier) ?? "0") == "0")
    }

    static func delivery(_ item: ConfigValue) -> HookDelivery? {
        guard let id = item["id"].flatMap(GitHubTransport.identifier), let guid = item["guid"]?.stringValue,
            let when = item["delivered_at"]?.stringValue, let deliveredAt = HookLogs.date(when)
        else { return nil }
        let code = item["status_code"].flatMap(GitHubTransport.identifier).flatMap { Int($0) }
        return HookDelivery(
            id: id, key: guid, deliveredAt: deliveredAt, statusCode: code == 0 ? nil : code, redelivery: item["redelivery"]?.boolValue ?? false,
            event: item["event"]?.stringValue ?? "")
    }

    /// The `cursor` of the `rel="next"` link, if any.
    static func nextCursor(_ headers: HTTPHeaders) -> String? {
        for link in headers["Link"].flatMap({ $0.split(separator: ",") }) where link.contains("rel=\"next\"") {
            guard let open = link.firstIndex(of: "<"), let close = link.firstIndex(of: ">"), open < close else { continue }
            let url = String(link[link.index(after: open)..<close])
            return URLComponents(string: url)?.queryItems?.first { $0.name == "cursor" }?.value
        }
        return nil
    }
}
