import BridgeCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The dashboard: server-rendered pages on the admin listener, behind a sign-in with an admin token (a session cookie)
/// or a trusted proxy's user header, with CSRF-checked forms for the operators' actions.
struct AdminPages: Sendable {
    /// A source whose last delivery is older than this stands out on the overview.
    static let silentAfter: TimeInterval = 24 * 60 * 60
    static let flashCookie = "gitops_bridge_flash"

    /// For retry and cancel.
    let store: any DeliveryStore & WorkQueue
    /// What the pages show, shared with the JSON API.
    let data: AdminData
    let access: AdminAccess
    let configuration: AdminConfiguration
    let refusals: SourceRefusals
    let sessions: AdminSessions
    let streams: LogStreams
    let renderer = PageRenderer()
    let now: @Sendable () -> Date

    /// A page's answer, or the error page to show instead.
    struct Content {
        var template: PageRenderer.Name
        var view: Any
        var title: String
        var section: String
    }

    struct PageError: Error {
        let status: Int
        let message: String

        init(_ status: Int, _ message: String) {
            self.status = status
            self.message = message
        }

        init(_ error: StoreError) {
            switch error {
            case .notFound: self.init(404, error.description.prefix(1).uppercased() + error.description.dropFirst() + ".")
            case .conflict(let detail): self.init(400, detail)
            case .unavailable: self.init(503, "The database is unavailable; try again in a moment.")
            case .invalidSettings: self.init(500, "Internal error.")
            }
        }
    }

    func register(on router: Router<AdminRequestContext>) {
        router.get("/static/app.css") { _, _ in Self.asset(AppStylesheet.text, type: "text/css; charset=utf-8") }
        router.get("/static/app.js") { _, _ in Self.asset(AppScript.text, type: "text/javascript; charset=utf-8") }
        router.get("/login") { request, context in loginPage(request, context) }
        router.post("/login") { request, context in await login(request, context) }
        router.post("/logout") { request, context in await logout(request, context) }
        router.get("/") { request, context in await page(request, context) { _ throws(PageError) in try await overview() } }
        router.get("/deliveries") { request, context in
            await page(request, context) { _ throws(PageError) in try await deliveriesPage(request) }
        }
        router.get("/deliveries/:id") { request, context in
            await page(request, context) { _ throws(PageError) in try await deliveryPage(try Self.number(context, "id")) }
        }
        router.get("/runs") { request, context in await page(request, context) { _ throws(PageError) in try await runsPage(request) } }
        router.get("/runs/:id") { request, context in
            await page(request, context) { caller throws(PageError) in try await runPage(try Self.number(context, "id"), caller: caller) }
        }
        router.post("/runs/:id/retry") { request, context in await runAction(request, context, action: .retry) }
        router.post("/runs/:id/cancel") { request, context in await runAction(request, context, action: .cancel) }
        router.get("/runs/:id/steps/:position/log/events") { request, context in await logEvents(request, context) }
    }

    /// Who the request is from: a trusted proxy's user, or a valid session cookie; nil when neither.
    func caller(_ request: Request, _ context: AdminRequestContext) -> AdminCaller? {
        if let header = configuration.trustedHeader.flatMap({ HTTPField.Name($0) }), fromTrustedProxy(context),
            let user = request.headers[header]?.trimmingCharacters(in: .whitespaces), !user.isEmpty, user.count <= 256
        {
            return AdminCaller(name: user, role: configuration.trustedRole, binding: user, viaTrustedHeader: true)
        }
        guard let cookie = PageHTTP.cookie(AdminSessions.cookieName, in: request),
            let caller = sessions.caller(cookie: cookie, now: now()),
            // The session's token must still exist with its role: a removed or changed token ends its sessions.
            access.role(named: caller.name) == caller.role
        else { return nil }
        return caller
    }

    func fromTrustedProxy(_ context: AdminRequestContext) -> Bool {
        configuration.trustedProxies.contains { $0.contains(context.remoteAddress) }
    }

    /// Whether the browser reached the bridge over HTTPS: said by `X-Forwarded-Proto` of a trusted proxy only.
    func overHTTPS(_ request: Request, _ context: AdminRequestContext) -> Bool {
        fromTrustedProxy(context) && request.headers[.xForwardedProto]?.lowercased() == "https"
    }

    /// A signed-in page: the login redirect for a stranger, else `body`'s page or its error page.
    private func page(
        _ request: Request, _ context: AdminRequestContext, _ body: (AdminCaller) async throws(PageError) -> Content
    ) async -> Response {
        guard let caller = caller(request, context) else {
            return PageHTTP.seeOther("/login?next=" + PageHTTP.encode(request.uri.description))
        }
        let flash = PageHTTP.cookie(Self.flashCookie, in: request).flatMap { $0.removingPercentEncoding }
        let cookies = flash == nil ? [] : [PageHTTP.cookie(Self.flashCookie, "", maxAge: 0, secure: overHTTPS(request, context))]
        let csrf = sessions.csrfToken(for: caller)
        do {
            let content = try await body(caller)
            let html = renderer.page(
                content.template, content.view, title: content.title, section: content.section, caller: caller, csrf: csrf, flash: flash)
            return PageHTTP.html(200, html, cookies: cookies)
        } catch {
            if error.status == 503 { context.logger.warning("dashboard: store unavailable") }
            return errorPage(error, caller: caller, csrf: csrf)
        }
    }

    func errorPage(_ error: PageError, caller: AdminCaller?, csrf: String) -> Response {
        let heading = Self.headings[error.status] ?? "Error \(error.status)"
        let view = ["heading": heading, "message": error.message]
        let html = renderer.page(.error, view, title: heading, section: "", caller: caller, csrf: csrf, flash: nil)
        return PageHTTP.html(error.status, html)
    }

    /// The error page's title for each status the pages answer with.
    static let headings = [
        400: "Bad request", 403: "Forbidden", 404: "Not found", 409: "Conflict", 500: "Internal error", 503: "Service unavailable",
    ]

    static func asset(_ text: String, type: String) -> Response {
        var response = BridgeRouter.text(200, text, contentType: type)
        response.headers[.cacheControl] = "max-age=300"
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }

    static func number(_ context: AdminRequestContext, _ name: String) throws(PageError) -> Int64 {
        guard let text = context.parameters.get(name), let value = Int64(text), value >= 0 else {
            throw PageError(404, "There is no such page.")
        }
        return value
    }

    /// A query parameter, nil when absent or blank.
    static func parameter(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters.get(name).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}
