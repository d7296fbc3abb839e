import BridgeCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Signing in and out, and the operators' forms. Every form `POST` must come from this site (`Sec-Fetch-Site`,
/// `Origin`) and, once signed in, carry the session's CSRF token.
extension AdminPages {
    enum RunAction: String {
        case retry, cancel
    }

    func loginPage(_ request: Request, _ context: AdminRequestContext) -> Response {
        let next = PageHTTP.samePath(Self.parameter(request, "next"))
        if caller(request, context) != nil { return PageHTTP.seeOther(next) }
        return loginForm(next: next, problem: nil, status: 200)
    }

    func loginForm(next: String, problem: String?, status: Int) -> Response {
        var view: [String: Any] = ["next": next, "hours": Int(AdminSessions.lifetime / 3600), "noTokens": access.tokens.isEmpty]
        if let problem { view["problem"] = problem }
        return PageHTTP.html(status, renderer.page(.login, view, title: "Sign in", section: "", caller: nil, csrf: "", flash: nil))
    }

    func login(_ request: Request, _ context: AdminRequestContext) async -> Response {
        guard Self.sameSite(request, trustedProxy: fromTrustedProxy(context)) else { return forbidden(context, "cross-site sign-in") }
        let form = await PageHTTP.form(request) ?? [:]
        let next = PageHTTP.samePath(form["next"])
        guard let token = form["token"], let found = access.role(token: Array(token.utf8)) else {
            context.logger.notice("dashboard: sign-in refused")
            return loginForm(next: next, problem: "That is not a valid admin token.", status: 401)
        }
        context.logger.info("dashboard: signed in", metadata: ["admin.token": "\(found.name)"])
        let session = sessions.issue(name: found.name, role: found.role, now: now())
        let cookie = PageHTTP.cookie(
            AdminSessions.cookieName, session, maxAge: Int(AdminSessions.lifetime), secure: overHTTPS(request, context))
        return PageHTTP.seeOther(next, cookies: [cookie])
    }

    func logout(_ request: Request, _ context: AdminRequestContext) async -> Response {
        await checked(request, context, required: .viewer) { caller in
            if !caller.viaTrustedHeader { sessions.end(cookie: caller.binding, now: now()) }
            let cookie = PageHTTP.cookie(AdminSessions.cookieName, "", maxAge: 0, secure: overHTTPS(request, context))
            return PageHTTP.seeOther("/login", cookies: [cookie])
        }
    }

    func runAction(_ request: Request, _ context: AdminRequestContext, action: RunAction) async -> Response {
        await checked(request, context, required: .operator) { caller in
            guard let text = context.parameters.get("id"), let id = Int64(text) else { return PageHTTP.seeOther("/runs") }
            let message: String
            do {
                let summary =
                    switch action {
                    case .retry: try await store.retryRun(id: id, now: now())
                    case .cancel: try await store.cancelRun(id: id, now: now())
                    }
                context.logger.info("dashboard: run \(action.rawValue)", metadata: ["run.id": "\(id)", "admin.user": "\(caller.name)"])
                message = action == .retry ? "Run \(id) will run again: \(summary.status)." : "Run \(id) cancel requested: \(summary.status)."
            } catch {
                let reason = (error as? StoreError).map { PageError($0).message } ?? "internal error"
                message = "Could not \(action.rawValue) run \(id): \(reason)"
            }
            let flash = PageHTTP.cookie(Self.flashCookie, PageHTTP.encode(message), maxAge: 60, secure: overHTTPS(request, context))
            return PageHTTP.seeOther("/runs/\(id)", cookies: [flash])
        }
    }

    /// 403 unless the request is same-site, signed in with a role allowing `required`, and carries the CSRF token.
    private func checked(
        _ request: Request, _ context: AdminRequestContext, required: AdminRole, _ body: (AdminCaller) async -> Response
    ) async -> Response {
        guard let caller = caller(request, context) else { return forbidden(context, "not signed in") }
        guard Self.sameSite(request, trustedProxy: fromTrustedProxy(context)) else { return forbidden(context, "cross-site request") }
        let form = await PageHTTP.form(request) ?? [:]
        guard sessions.checkCSRF(form["_csrf"], for: caller) else { return forbidden(context, "missing or wrong CSRF token") }
        guard caller.role.allows(required) else { return forbidden(context, "role \(caller.role.rawValue) may not do this") }
        return await body(caller)
    }

    private func forbidden(_ context: AdminRequestContext, _ why: String) -> Response {
        context.logger.notice("dashboard: form refused", metadata: ["reason": "\(why)"])
        return errorPage(PageError(403, "Forbidden: \(why)."), caller: nil, csrf: "")
    }

    /// Whether a form post comes from a page of this site: a browser's `Sec-Fetch-Site` must not say `cross-site`, and an
    /// `Origin` must name the host the request was sent to (`X-Forwarded-Host` from a trusted proxy counts too). A client
    /// that sends neither (curl) still needs the CSRF token.
    static func sameSite(_ request: Request, trustedProxy: Bool) -> Bool {
        if let site = request.headers[.secFetchSite]?.lowercased(), !["same-origin", "same-site", "none"].contains(site) { return false }
        guard let origin = request.headers[.origin] else { return true }
        guard let url = URLComponents(string: origin), let host = url.host, ["http", "https"].contains(url.scheme ?? "") else {
            return false
        }
        let authority = url.port.map { "\(host):\($0)" } ?? host
        var hosts = [request.head.authority].compactMap { $0?.lowercased() }
        if trustedProxy, let forwarded = request.headers[.xForwardedHost] { hosts.append(forwarded.lowercased()) }
        return hosts.contains(authority.lowercased())
    }
}
