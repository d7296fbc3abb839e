import BridgeCore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The admin listener's routes: `/healthz`, the JSON API under `/api/v1` behind bearer tokens with roles, and the
/// dashboard's pages (`AdminPages`).
///
/// Never mounted on the webhook listener. API requests authenticate with `Authorization: Bearer <token>` only, never a
/// cookie, so a browser cannot be tricked into sending one for another site: the API's `POST` actions need no CSRF
/// token. The pages' forms, which a session cookie signs in, do.
public struct AdminRouter: Sendable {
    /// Rows a list answers when no `limit` is given, and the most it may ask for.
    public static let defaultLimit = 50
    public static let maximumLimit = 1000
    static let runStatuses: Set = ["queued", "running", "succeeded", "failed", "canceled", "superseded"]

    let store: any DeliveryStore & WorkQueue
    let access: AdminAccess
    let configuration: AdminConfiguration
    let sources: [String]
    let now: @Sendable () -> Date

    /// `sources` are the rules' source names, for the overview; `configuration` gives the trusted-header settings.
    public init(
        store: any DeliveryStore & WorkQueue, access: AdminAccess, configuration: AdminConfiguration = AdminConfiguration(),
        sources: [String] = [], now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.access = access
        self.configuration = configuration
        self.sources = sources
        self.now = now
    }

    /// The router. With no token configured every `/api/v1` request is answered 401.
    public func build() -> Router<AdminRequestContext> {
        let router = Router(context: AdminRequestContext.self)
        router.get("/healthz") { _, _ in BridgeRouter.text(200, "ok\n") }
        let api = router.group("/api/v1")
        api.get("/deliveries") { request, context in
            await guarded(request, context, .viewer) { _ throws(AdminAnswer) in try await deliveries(request) }
        }
        api.get("/deliveries/:id") { request, context in
            await guarded(request, context, .viewer) { _ throws(AdminAnswer) in
                let id = try Self.id(context)
                return try await Self.stored { () async throws(StoreError) in try await store.delivery(id: id) }
            }
        }
        api.get("/runs") { request, context in
            await guarded(request, context, .viewer) { _ throws(AdminAnswer) in try await runs(request) }
        }
        api.get("/runs/:id") { request, context in
            await guarded(request, context, .viewer) { _ throws(AdminAnswer) in
                let id = try Self.id(context)
                return try await Self.stored { () async throws(StoreError) in try await store.run(id: id) }
            }
        }
        api.post("/runs/:id/retry") { request, context in
            await guarded(request, context, .operator) { caller throws(AdminAnswer) in
                try await change(context, caller: caller, action: "retry") { id, now async throws(StoreError) in
                    try await store.retryRun(id: id, now: now)
                }
            }
        }
        api.post("/runs/:id/cancel") { request, context in
            await guarded(request, context, .operator) { caller throws(AdminAnswer) in
                try await change(context, caller: caller, action: "cancel") { id, now async throws(StoreError) in
                    try await store.cancelRun(id: id, now: now)
                }
            }
        }
        AdminPages(
            store: store, access: access, configuration: configuration, sources: sources, sessions: AdminSessions(),
            streams: LogStreams(), now: now
        ).register(on: router)
        return router
    }

    /// Answers 401 unless the request carries a known token, 403 unless its role allows `required`, else `body`'s answer.
    private func guarded(
        _ request: Request, _ context: AdminRequestContext, _ required: AdminRole,
        _ body: (String) async throws(AdminAnswer) -> AdminAnswer
    ) async -> Response {
        guard let caller = access.role(authorization: request.headers[.authorization]) else {
            var response = AdminAnswer.error(401, "unauthorized").response
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        guard caller.role.allows(required) else { return AdminAnswer.error(403, "forbidden").response }
        do {
            return try await body(caller.name).response
        } catch {
            if error.status == 503 {
                context.logger.warning("admin API: store unavailable", metadata: ["error": "\(error.message ?? "")"])
            }
            return error.response
        }
    }

    private func deliveries(_ request: Request) async throws(AdminAnswer) -> AdminAnswer {
        let limit = try Self.limit(request)
        let source = request.uri.queryParameters.get("source").flatMap { $0.isEmpty ? nil : $0 }
        return try await Self.stored { () async throws(StoreError) in try await store.deliveries(limit: limit, source: source) }
    }

    private func runs(_ request: Request) async throws(AdminAnswer) -> AdminAnswer {
        let limit = try Self.limit(request)
        let status = request.uri.queryParameters.get("status").flatMap { $0.isEmpty ? nil : $0 }
        if let status, !Self.runStatuses.contains(status) {
            throw .error(400, "status must be one of \(Self.runStatuses.sorted().joined(separator: ", "))")
        }
        return try await Self.stored { () async throws(StoreError) in try await store.runs(limit: limit, status: status) }
    }

    private func change(
        _ context: AdminRequestContext, caller: String, action: String,
        _ body: (Int64, Date) async throws(StoreError) -> RunSummary
    ) async throws(AdminAnswer) -> AdminAnswer {
        let id = try Self.id(context)
        let answer = try await Self.stored { () async throws(StoreError) in try await body(id, now()) }
        context.logger.info("admin API: run \(action)", metadata: ["run.id": "\(id)", "admin.token": "\(caller)"])
        return answer
    }

    /// A store query's record as JSON, or its error as the matching status.
    static func stored(_ query: () async throws(StoreError) -> some Encodable) async throws(AdminAnswer) -> AdminAnswer {
        do {
            return .record(try await query())
        } catch {
            switch error {
            case .notFound: throw .error(404, error.description)
            case .conflict: throw .error(409, error.description)
            // The cause goes to the log only, as on `/readyz`.
            case .unavailable: throw AdminAnswer(status: 503, body: AdminAnswer.errorBody("store unavailable"), message: error.description)
            case .invalidSettings: throw .error(500, "internal error")
            }
        }
    }

    static func id(_ context: AdminRequestContext) throws(AdminAnswer) -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else { throw .error(400, "id must be a positive integer") }
        return id
    }

    static func limit(_ request: Request) throws(AdminAnswer) -> Int {
        guard let text = request.uri.queryParameters.get("limit"), !text.isEmpty else { return defaultLimit }
        guard let limit = Int(text), (1...maximumLimit).contains(limit) else {
            throw .error(400, "limit must be an integer from 1 to \(maximumLimit)")
        }
        return limit
    }
}
