import BridgeCore
@testable import BridgeServer
import BridgeStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The dashboard through its router: signing in and out, roles, CSRF, and every page with recorded runs.
@Suite struct AdminPagesTests {
    @Test func aStrangerIsSentToSignInAndBackToThePageAsked() async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        try await site.application().test(.router) { client in
            var browser = PageBrowser(client: client)
            let asked = try await browser.get("/runs?status=failed")
            #expect(asked.status == 303)
            #expect(asked.location == "/login?next=/runs%3Fstatus%3Dfailed")
            let form = try await browser.get(asked.location ?? "")
            #expect(form.status == 200)
            #expect(form.html.contains(#"id="token" name="token" type="password""#))
            #expect(form.html.contains(#"id="login-button""#))
            #expect(form.html.contains(#"name="next" value="/runs?status=failed""#))
            let wrong = try await browser.post("/login", form: ["token": "not-a-token", "next": "/runs?status=failed"])
            #expect(wrong.status == 401)
            #expect(!browser.signedIn)
            let signedIn = try await browser.post("/login", form: ["token": DashboardSite.viewerToken, "next": "/runs?status=failed"])
            #expect(signedIn.status == 303)
            #expect(signedIn.location == "/runs?status=failed")
            let cookie = try #require(signedIn.cookies.first { $0.hasPrefix("gitops_bridge_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"))
            let runs = try await browser.get("/runs?status=failed")
            #expect(runs.status == 200)
            #expect(runs.html.contains(#"data-run-id="\#(site.failedRun)""#))
            #expect(!runs.html.contains(#"data-run-id="\#(site.queuedRun)""#))
        }
    }

    @Test(arguments: ["//evil.example/x", "https://evil.example/", "/\\evil.example", "runs"])
    func signingInNeverLeavesTheSite(next: String) async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        try await site.application().test(.router) { client in
            var browser = PageBrowser(client: client)
            let signedIn = try await browser.post("/login", form: ["token": DashboardSite.viewerToken, "next": next])
            #expect(signedIn.location == "/")
        }
    }

    @Test func signingOutNeedsTheCSRFTokenAndEndsTheSession() async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        try await site.application().test(.router) { client in
            var browser = PageBrowser(client: client)
            _ = try await browser.signIn(DashboardSite.viewerToken)
            let overview = try await browser.get("/")
            #expect(overview.status == 200)
            let session = browser.jar
            #expect(try await browser.post("/logout", form: [:]).status == 403)
            let out = try await browser.post("/logout", form: ["_csrf": overview.csrf ?? ""])
            #expect(out.status == 303)
            #expect(out.location == "/login")
            #expect(!browser.signedIn)
            #expect(try await browser.get("/").status == 303)
            // A copy of the cookie kept from before signs no one in either.
            browser.jar = session
            #expect(try await browser.get("/").status == 303)
        }
    }

    @Test func aViewerSeesNoActionsAndIsRefusedThem() async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        try await site.application().test(.router) { client in
            var browser = PageBrowser(client: client)
            _ = try await browser.signIn(DashboardSite.viewerToken)
            let page = try await browser.get("/runs/\(site.queuedRun)")
            #expect(page.status == 200)
            #expect(!page.html.contains(#"id="retry""#))
            #expect(!page.html.contains(#"id="cancel""#))
            let csrf = try #require(page.csrf)
            for action in ["retry", "cancel"] {
                #expect(try await browser.post("/runs/\(site.queuedRun)/\(action)", form: ["_csrf": csrf]).status == 403)
            }
        }
        #expect(try await site.harness.store.run(id: site.queuedRun).summary.status == "queued")
    }

    @Test func aSessionOutlivesARestartWithTheSameTokensAndEndsWhenItsTokenChanges() async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        let jar = try await site.application().test(.router) { client in
            var browser = PageBrowser(client: client)
            _ = try await browser.signIn(DashboardSite.operatorToken)
            return browser.jar
        }
        // Another process (a restart, or another replica) given the same tokens.
        try await site.application().test(.router) { client in
            var browser = PageBrowser(client: client, jar: jar)
            let page = try await browser.get("/runs")
            #expect(page.status == 200)
        }
        // The operator's token was rotated: its sessions end.
        var rotated = DashboardSite.environment
        rotated["OPERATE_TOKEN"] = "operator-page-token-rotated"
        try await site.application(environment: rotated).test(.router) { client in
            var browser = PageBrowser(client: client, jar: jar)
            let page = try await browser.get("/runs")
            #expect(page.status == 303)
        }
    }

    @Test func aCookieSignedRightButNotMatchingATokenNowIsRefused() async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        let access = try AdminAccess(DashboardSite.tokens, resolver: ProcessSecretResolver(environment: DashboardSite.environment))
        let sessions = AdminSessions(key: try #require(access.sessionKey))
        let now = Date()
        try await site.application().test(.router) { client in
            // A viewer's token name with the operator's role, and a token that does not exist: whoever signed them.
            for (name, role) in [("dash", AdminRole.operator), ("ghost", .viewer)] {
                var browser = PageBrowser(client: client, jar: ["gitops_bridge_session": sessions.issue(name: name, role: role, now: now)])
                let page = try await browser.get("/runs")
                #expect(page.status == 303)
            }
            var browser = PageBrowser(client: client, jar: ["gitops_bridge_session": sessions.issue(name: "dash", role: .viewer, now: now)])
            let page = try await browser.get("/runs")
            #expect(page.status == 200)
        }
    }

    @Test func anOperatorCancelsAndRetriesWithTheForms() async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        let id = site.queuedRun
        try await site.application().test(.router) { client in
            var browser = PageBrowser(client: client)
            _ = try await browser.signIn(DashboardSite.operatorToken)
            let page = try await browser.get("/runs/\(id)")
            #expect(page.html.contains(#"<form id="cancel" method="post" action="/runs/\#(id)/cancel">"#))
            // Only what the status allows: a queued run can be canceled, not retried.
            #expect(!page.html.contains(#"id="retry-button""#))
            let csrf = try #require(page.csrf)
            let canceled = try await browser.post("/runs/\(id)/cancel", form: ["_csrf": csrf], headers: [.origin: "http://localhost"])
            #expect(canceled.status == 303)
            #expect(canceled.location == "/runs/\(id)")
            let after = try await browser.get("/runs/\(id)")
            #expect(after.html.contains(#"id="run-status" class="status status-canceled">canceled<"#))
            #expect(after.html.contains(#"<p id="flash" class="flash" role="status">Run \#(id) cancel requested: canceled.</p>"#))
            let reloaded = try await browser.get("/runs/\(id)")
            #expect(!reloaded.html.contains(#"id="flash""#))
            #expect(reloaded.html.contains(#"id="retry-button""#) && !reloaded.html.contains(#"id="cancel-button""#))
            let again = try await browser.post("/runs/\(id)/cancel", form: ["_csrf": csrf])
            #expect(again.status == 303)
            #expect(try await browser.get("/runs/\(id)").html.contains("Could not cancel run \(id)"))
            #expect(try await browser.post("/runs/\(id)/retry", form: ["_csrf": csrf]).status == 303)
        }
        #expect(try await site.harness.store.run(id: id).summary.status == "queued")
    }

    @Test(
        arguments: [
            ("", [:]), ("wrong", [:]), ("valid", ["Origin": "https://evil.example"]), ("valid", ["Origin": "null"]),
            ("valid", ["Sec-Fetch-Site": "cross-site"]),
        ] as [(String, [String: String])])
    func aFormWithoutTheTokenOrFromAnotherSiteIsRefused(token: String, headers: [String: String]) async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        try await site.application().test(.router) { client in
            var browser = PageBrowser(client: client)
            _ = try await browser.signIn(DashboardSite.operatorToken)
            let csrf = try #require(try await browser.get("/runs/\(site.queuedRun)").csrf)
            var fields = HTTPFields()
            for (name, value) in headers { fields[try #require(HTTPField.Name(name))] = value }
            let form = token.isEmpty ? [:] : ["_csrf": token == "valid" ? csrf : "0000" + csrf.dropFirst(4)]
            let answer = try await browser.post("/runs/\(site.queuedRun)/cancel", form: form, headers: fields)
            #expect(answer.status == 403)
            // A signed-out browser is refused too, token or not.
            var stranger = PageBrowser(client: client)
            #expect(try await stranger.post("/runs/\(site.queuedRun)/cancel", form: ["_csrf": csrf]).status == 403)
        }
        #expect(try await site.harness.store.run(id: site.queuedRun).summary.status == "queued")
    }

    @Test func theAPIWithABearerTokenNeedsNoCSRFToken() async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        try await site.application().test(.router) { client in
            let answer = try await client.execute(
                uri: "/api/v1/runs/\(site.queuedRun)/cancel", method: .post, headers: [.authorization: "Bearer \(DashboardSite.operatorToken)"])
            #expect(answer.status == .ok)
            // A session cookie does not open the API.
            var browser = PageBrowser(client: client)
            _ = try await browser.signIn(DashboardSite.operatorToken)
            let cookie = browser.jar.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            #expect(try await client.execute(uri: "/api/v1/runs", method: .get, headers: [.cookie: cookie]).status == .unauthorized)
        }
    }
}
