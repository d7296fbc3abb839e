import BridgeCore
import Foundation
import Synchronization

/// Project hooks and their events, as https://docs.gitlab.com/api/project_webhooks/ documents them: `GET
/// /projects/:id/hooks`, `GET /projects/:id/hooks/:hook_id/events?page=&per_page=` (newest first; `x-next-page`,
/// `x-page`, `x-per-page`, `x-total` headers), `POST …/events/:hook_event_id/resend` (201). A hook delivers with
/// `deliver(hook:body:kind:)`, with its token in `X-Gitlab-Token`; an unreachable receiver is logged with
/// `response_status` "internal error", as GitLab logs it. A resend posts the stored body again with the same
/// `Idempotency-Key` (and a new `X-Gitlab-Event-UUID`, which the bridge does not key on when an `Idempotency-Key` is
/// present) before its 201 is answered.
extension GitLabFake {
    /// A project hook as GitLab keeps it.
    public struct Hook: Sendable, Hashable {
        public var id: Int
        public var projectID: Int
        public var url: String
        public var token: String?
        public var pushEvents: Bool
        public var tagPushEvents: Bool
        public var enableSSLVerification: Bool
        /// `executable`, `temporarily_disabled` or `disabled`.
        public var alertStatus: String

        public init(
            id: Int = 0, projectID: Int = 42, url: String, token: String?, pushEvents: Bool = true, tagPushEvents: Bool = true,
            enableSSLVerification: Bool = true, alertStatus: String = "executable"
        ) {
            self.id = id
            self.projectID = projectID
            self.url = url
            self.token = token
            self.pushEvents = pushEvents
            self.tagPushEvents = tagPushEvents
            self.enableSSLVerification = enableSSLVerification
            self.alertStatus = alertStatus
        }
    }

    /// One of a hook's logged events.
    public struct HookEvent: Sendable, Hashable {
        public var id: Int
        public var hookID: Int
        public var idempotencyKey: String
        public var kind: RefKind
        public var body: [UInt8]
        public var createdAt: Date
        /// The `X-Gitlab-Event-UUID` sent: new on every send, a resend's too.
        public var eventUUID: String
        /// The receiver's status; nil when it could not be reached.
        public var responseStatus: Int?
        /// True for an event `resend` made.
        public var resent: Bool
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

    /// Every hook event logged, oldest first.
    public var hookEvents: [HookEvent] { state.withLock { $0.hookEvents } }

    /// Delivers `body` through `hook` now and logs it; returns the event.
    @discardableResult
    public func deliver(hook id: Int, body: [UInt8], kind: RefKind = .branch, key: String = UUID().uuidString.lowercased()) async -> HookEvent? {
        guard let hook = state.withLock({ $0.hooks[id] }) else { return nil }
        return await post(hook: hook, key: key, kind: kind, body: body, resent: false)
    }

    private func post(hook: Hook, key: String, kind: RefKind, body: [UInt8], resent: Bool) async -> HookEvent {
        let uuid = UUID().uuidString.lowercased()
        let status = await HookDeliverySender.post(
            url: hook.url, forge: .gitlab, body: body, kind: kind, secret: hook.token, deliveryID: key, eventUUID: uuid)
        return state.withLock { state in
            let event = HookEvent(
                id: state.nextHookEventID, hookID: hook.id, idempotencyKey: key, kind: kind, body: body, createdAt: Date(), eventUUID: uuid,
                responseStatus: status,
                resent: resent)
            state.nextHookEventID += 1
            state.hookEvents.append(event)
            return event
        }
    }

    /// The hook routes; nil for any other path.
    func hookAnswer(_ request: IncomingRequest) async -> FakeAnswer? {
        let root = pathPrefix + "/api/v4/"
        guard request.path.hasPrefix(root) else { return nil }
        let segments = request.path.dropFirst(root.count).split(separator: "/").map(String.init)
        guard segments.count >= 3, segments[0] == "projects", segments[2] == "hooks" else { return nil }
        guard isAuthenticated(request) else { return .message(401, .string("401 Unauthorized")) }
        guard let project = project(segments[1]) else { return .message(404, .string("404 Project Not Found")) }
        let hooks = state.withLock { $0.hooks.values.filter { $0.projectID == project.id } }
        let rest = Array(segments.dropFirst(3))
        switch (request.method, rest) {
        case ("GET", []):
            return .json(200, .array(hooks.sorted { $0.id < $1.id }.map(Self.hookJSON)))
        case ("GET", let path) where path.count == 2 && path[1] == "events":
            guard let hook = hooks.first(where: { String($0.id) == path[0] }) else { return .message(404, .string("404 Not found")) }
            return eventsPage(hook: hook, request: request)
        case ("POST", let path) where path.count == 4 && path[1] == "events" && path[3] == "resend":
            guard let hook = hooks.first(where: { String($0.id) == path[0] }),
                let event = state.withLock({ $0.hookEvents.first { String($0.id) == path[2] && $0.hookID == hook.id } })
            else { return .message(404, .string("404 Not found")) }
            _ = await post(hook: hook, key: event.idempotencyKey, kind: event.kind, body: event.body, resent: true)
            return .json(201, .object([:]))
        default:
            return .error(404, "404 Not Found")
        }
    }

    private func eventsPage(hook: Hook, request: IncomingRequest) -> FakeAnswer {
        let query = IncomingRequest.form(request.query ?? "")
        let perPage = min(100, max(1, query["per_page"]?.stringValue.flatMap { Int($0) } ?? 20))
        let page = max(1, query["page"]?.stringValue.flatMap { Int($0) } ?? 1)
        let all = state.withLock { $0.hookEvents.filter { $0.hookID == hook.id }.reversed() as [HookEvent] }
        let start = min(all.count, (page - 1) * perPage)
        let items = Array(all[start..<min(all.count, start + perPage)])
        var answer = FakeAnswer.json(200, .array(items.map(Self.eventJSON)))
        answer.headers = [
            "x-page": String(page), "x-per-page": String(perPage), "x-total": String(all.count),
            "x-next-page": start + perPage < all.count ? String(page + 1) : "",
        ]
        return answer
    }

    static func hookJSON(_ hook: Hook) -> ConfigValue {
        .object([
            "id": .int(hook.id), "url": .string(hook.url), "project_id": .int(hook.projectID), "push_events": .bool(hook.pushEvents),
            "tag_push_events": .bool(hook.tagPushEvents), "enable_ssl_verification": .bool(hook.enableSSLVerification),
            "alert_status": .string(hook.alertStatus),
            "disabled_until": hook.alertStatus == "temporarily_disabled" ? .string("2030-01-01T00:00:00Z") : .null,
            "created_at": "2024-01-01T00:00:00.000Z",
        ])
    }

    static func eventJSON(_ event: HookEvent) -> ConfigValue {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return .object([
            "id": .int(event.id), "url": "http://receiver.example/hooks", "trigger": "push_hooks",
            "request_headers": .object([
                "Content-Type": "application/json", "User-Agent": "GitLab/17.4.0", "X-Gitlab-Event": "Push Hook",
                "Idempotency-Key": .string(event.idempotencyKey), "X-Gitlab-Event-UUID": .string(event.eventUUID),
                "X-Gitlab-Token": "[REDACTED]",
            ]),
            "request_data": .object([:]), "response_headers": .object([:]), "response_body": "",
            "response_status": event.responseStatus.map { .string(String($0)) } ?? "internal error", "execution_duration": .double(0.05),
            "created_at": .string(formatter.string(from: event.createdAt)), "updated_at": .string(formatter.string(from: event.createdAt)),
        ])
    }
}
