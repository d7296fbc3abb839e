import BridgeCore
import Foundation
import Synchronization

/// Repository and organisation hooks with their delivery logs, as https://docs.github.com/en/rest/repos/webhooks
/// documents them: `GET …/hooks`, `GET …/hooks/{id}/deliveries?per_page=&cursor=` (newest first, a `Link` header with
/// `rel="next"` while older entries remain), `POST …/deliveries/{delivery_id}/attempts` (202). A hook delivers with
/// `deliver(hook:body:kind:)`, signed with its secret (HMAC); a failed post is logged with `status_code` 0 and
/// `status` "failed to connect to host", as GitHub logs it. A redelivery posts the stored body again, signed, with
/// the same `guid`, before the 202 is answered (GitHub answers first; answering after lets a test see the outcome).
extension GitHubFake {
    /// A hook as GitHub keeps it.
    public struct Hook: Sendable, Hashable {
        public var id: Int
        /// `owner/repo`, or the organisation's name for an organisation hook.
        public var owner: String
        public var organization: Bool
        public var url: String
        public var secret: String?
        public var events: [String]
        public var active: Bool
        public var contentType: String
        public var insecureSSL: Bool

        public init(
            id: Int = 0, owner: String = "acme/shop", organization: Bool = false, url: String, secret: String?, events: [String] = ["push"],
            active: Bool = true, contentType: String = "json", insecureSSL: Bool = false
        ) {
            self.id = id
            self.owner = owner
            self.organization = organization
            self.url = url
            self.secret = secret
            self.events = events
            self.active = active
            self.contentType = contentType
            self.insecureSSL = insecureSSL
        }
    }

    /// One entry of a hook's delivery log.
    public struct HookDeliveryEntry: Sendable, Hashable {
        public var id: Int
        public var hookID: Int
        public var guid: String
        public var event: String
        public var kind: RefKind
        public var body: [UInt8]
        public var deliveredAt: Date
        /// The receiver's status; 0 when it could not be reached.
        public var statusCode: Int
        public var redelivery: Bool
    }

    /// Adds a hook; returns its id.
    @discardableResult
    public func addHook(_ hook: Hook) -> Int {
        state.withLock { state in
            var hook = hook
            hook.id = state.nextHookID
            state.nextHookID += 1
            state.hooks[hook.id] = hook
            return hook.id
        }
    }

    /// Points hook `id` at `url` (as its settings page would).
    public func setHookURL(_ id: Int, url: String) {
        state.withLock { $0.hooks[id]?.url = url }
    }

    /// Rewrites the logged status of delivery `id`: as when the receiver recorded it but its answer never reached GitHub.
    public func setDeliveryStatus(_ id: Int, statusCode: Int) {
        state.withLock { state in
            if let index = state.hookDeliveries.firstIndex(where: { $0.id == id }) { state.hookDeliveries[index].statusCode = statusCode }
        }
    }

    /// Every hook delivery logged, oldest first.
    public var hookDeliveries: [HookDeliveryEntry] { state.withLock { $0.hookDeliveries } }

    /// Delivers `body` through `hook` now, as a push would, and logs it; returns the log entry.
    @discardableResult
    public func deliver(hook id: Int, body: [UInt8], kind: RefKind = .branch, guid: String = UUID().uuidString.lowercased()) async
        -> HookDeliveryEntry?
    {
        guard let hook = state.withLock({ $0.hooks[id] }) else { return nil }
        return await post(hook: hook, guid: guid, kind: kind, body: body, redelivery: false)
    }

    private func post(hook: Hook, guid: String, kind: RefKind, body: [UInt8], redelivery: Bool) async -> HookDeliveryEntry {
        let status = await HookDeliverySender.post(url: hook.url, forge: .github, body: body, kind: kind, secret: hook.secret, deliveryID: guid)
        return state.withLock { state in
            let entry = HookDeliveryEntry(
                id: state.nextHookDeliveryID, hookID: hook.id, guid: guid, event: "push", kind: kind, body: body, deliveredAt: now(),
                statusCode: status ?? 0, redelivery: redelivery)
            state.nextHookDeliveryID += 1
            state.hookDeliveries.append(entry)
            return entry
        }
    }

    /// The hook routes: `(repos/{o}/{r} | orgs/{org})/hooks[/{id}/deliveries[/{did}/attempts]]`; nil for any other path.
    func hookAnswer(_ request: IncomingRequest) async -> FakeAnswer? {
        guard request.path.hasPrefix(pathPrefix + "/") else { return nil }
        let segments = request.path.dropFirst(pathPrefix.count + 1).split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        let owner: String
        let organization: Bool
        let rest: ArraySlice<String>
        if segments.count >= 3, segments[0] == "repos", segments[3...].first == "hooks" {
            (owner, organization, rest) = ("\(segments[1])/\(segments[2])", false, segments[4...])
        } else if segments.count >= 3, segments[0] == "orgs", segments[2] == "hooks" {
            (owner, organization, rest) = (segments[1], true, segments[3...])
        } else {
            return nil
        }
        if let refusal = authorizeHooks(request, owner: owner, organization: organization) { return refusal }
        let hooks = state.withLock { $0.hooks.values.filter { $0.owner.lowercased() == owner.lowercased() && $0.organization == organization } }
        switch (request.method, Array(rest)) {
        case ("GET", []):
            return .json(200, .array(hooks.sorted { $0.id < $1.id }.map(Self.hookJSON)))
        case ("GET", let path) where path.count == 2 && path[1] == "deliveries":
            guard let hook = hooks.first(where: { String($0.id) == path[0] }) else { return Self.message(404, "Not Found") }
            return deliveriesPage(hook: hook, request: request)
        case ("POST", let path) where path.count == 4 && path[1] == "deliveries" && path[3] == "attempts":
            guard let hook = hooks.first(where: { String($0.id) == path[0] }),
                let entry = state.withLock({ $0.hookDeliveries.first { String($0.id) == path[2] && $0.hookID == hook.id } })
            else { return Self.message(404, "Not Found") }
            _ = await post(hook: hook, guid: entry.guid, kind: entry.kind, body: entry.body, redelivery: true)
            return .json(202, .object([:]))
        default:
            return Self.message(404, "Not Found")
        }
    }

    private func authorizeHooks(_ request: IncomingRequest, owner: String, organization: Bool) -> FakeAnswer? {
        if organization {
            guard let credential = Self.credential(request) else { return Self.message(401, "Requires authentication") }
            return personalTokens.contains(credential) ? nil : Self.message(401, "Bad credentials")
        }
        if case .failure(let refusal) = state.withLock({ authorize(request, repository: owner, state: $0) }) { return refusal.answer }
        return nil
    }

    /// Newest first; `cursor` is the id of the first entry of the page.
    private func deliveriesPage(hook: Hook, request: IncomingRequest) -> FakeAnswer {
        let query = IncomingRequest.form(request.query ?? "")
        let perPage = min(100, max(1, query["per_page"]?.stringValue.flatMap { Int($0) } ?? 30))
        let all = state.withLock { $0.hookDeliveries.filter { $0.hookID == hook.id }.reversed() as [HookDeliveryEntry] }
        let start = query["cursor"]?.stringValue.flatMap { cursor in all.firstIndex { String($0.id) == cursor } } ?? 0
        let page = Array(all[start..<min(all.count, start + perPage)])
        var answer = FakeAnswer.json(200, .array(page.map(Self.deliveryJSON)))
        if start + perPage < all.count {
            let base = "\(baseURL)\(request.path)?per_page=\(perPage)&cursor=\(all[start + perPage].id)"
            answer.headers["link"] = "<\(base)>; rel=\"next\""
        }
        return answer
    }

    static func hookJSON(_ hook: Hook) -> ConfigValue {
        var config: [String: ConfigValue] = [
            "url": .string(hook.url), "content_type": .string(hook.contentType), "insecure_ssl": .string(hook.insecureSSL ? "1" : "0"),
        ]
        if hook.secret != nil { config["secret"] = "********" }
        return .object([
            "id": .int(hook.id), "type": .string(hook.organization ? "Organization" : "Repository"), "name": "web", "active": .bool(hook.active),
            "events": .array(hook.events.map(ConfigValue.string)), "config": .object(config),
        ])
    }

    static func deliveryJSON(_ entry: HookDeliveryEntry) -> ConfigValue {
        let ok = (200..<300).contains(entry.statusCode)
        return .object([
            "id": .int(entry.id), "guid": .string(entry.guid), "delivered_at": .string(timestamp(entry.deliveredAt)),
            "redelivery": .bool(entry.redelivery), "duration": .double(0.05),
            "status": .string(entry.statusCode == 0 ? "failed to connect to host" : ok ? "OK" : "Invalid HTTP Response: \(entry.statusCode)"),
            "status_code": .int(entry.statusCode), "event": .string(entry.event), "action": .null, "installation_id": .null,
            "repository_id": .int(1),
        ])
    }
}
