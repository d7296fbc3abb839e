import BridgeCore
import Foundation
import HTTPTypes
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

    let store: any DeliveryStore & WorkQueue
    let access: AdminAccess
    /// What the read routes answer, shared with the admin pages.
    let data: AdminData
    /// The trusted-header settings of the pages.
    let configuration: AdminConfiguration
    /// The deliveries the webhook listener refused, for the overview.
    let refusals: SourceRefusals
    let now: @Sendable () -> Date

    public init(
        store: any DeliveryStore & WorkQueue, access: AdminAccess, data: AdminData, configuration: AdminConfiguration = AdminConfiguration(),
        refusals: SourceRefusals = SourceRefusals(), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.access = access
        self.data = data
        self.configuration = configuration
        self.refusals = refusals
        self.now = now
    }

    /// The router. With no token configured every `/api/v1` request is answered 401 (but the OpenAPI document).
    public func build() -> Router<AdminRequestContext> {
        let router = Router(context: AdminRequestContext.self)
        router.get("/healthz") { _, _ in BridgeRouter.text(200, "ok\n") }
        let api = router.group("/api/v1")
        api.get("/openapi.json") { _, _ in BridgeRouter.text(200, AdminOpenAPI.document, contentType: "application/json") }
        addReadRoutes(api)
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
        refuseOtherMethods(api)
        AdminPages(
            store: store, data: data, access: access, configuration: configuration, refusals: refusals,
            sessions: AdminSessions(key: access.sessionKey ?? Digest.randomBytes(32)),
            streams: LogStreams(), now: now
        ).register(on: router)
        return router
    }

    /// Each path's methods; any other method is answered 405 with `Allow` (as the webhook route does), not 404.
    static let methods: [(path: RouterPath, allowed: HTTPRequest.Method)] = [
        ("/openapi.json", .get), ("/overview", .get), ("/deliveries", .get), ("/deliveries/:id", .get), ("/runs", .get),
        ("/runs/:id", .get), ("/runs/:id/steps/:position/log", .get), ("/sources", .get), ("/targets", .get), ("/rules", .get),
        ("/runs/:id/retry", .post), ("/runs/:id/cancel", .post),
    ]

    private func refuseOtherMethods(_ api: RouterGroup<AdminRequestContext>) {
        // QUERY: the safe method with a body (draft-ietf-httpbis-safe-method-w-body), which clients start to send.
        let all: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .options, .trace] + [HTTPRequest.Method("QUERY")].compactMap { $0 }
        for (path, allowed) in Self.methods {
            for method in all where method != allowed {
                api.on(path, method: method) { _, _ in
                    var response = AdminAnswer.error(405, "method not allowed; use \(allowed.rawValue)").response
                    response.headers[.allow] = allowed.rawValue
                    return response
                }
            }
        }
    }

    /// Answers 401 unless the request carries a known token, 403 unless its role allows `required`, else `body`'s answer.
    func guarded(
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
        .record(try await value(query))
    }

    /// A store query's value, or its error as the matching status.
    static func value<T>(_ query: () async throws(StoreError) -> T) async throws(AdminAnswer) -> T {
        do {
            return try await query()
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

}
