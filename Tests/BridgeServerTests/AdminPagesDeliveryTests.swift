import BridgeCore
import BridgeServer
import BridgeStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A delivery's page for deliveries received through the webhook route: masked headers, every rule's verdict, and
/// the runs a duplicate push already had.
@Suite struct AdminPagesDeliveryTests {
    static let headerSecret = "header-secret-c0ffee-42"

    /// A push, and the same push again under another delivery id (a duplicate).
    static func bridgeWithPushes() async throws -> TestBridge {
        let bridge = try TestBridge()
        try await bridge.application().test(.router) { client in
            let body = Deliveries.githubPush(paths: ["web/index.html"])
            for delivery in ["first-1", "again-2"] {
                let headers = Deliveries.githubHeaders(body: body, delivery: delivery) + [("X-Deploy-Token", headerSecret)]
                _ = try await WebhookRouteTests().post(client, body: body, headers: headers)
            }
        }
        return bridge
    }

    static func pages(_ bridge: TestBridge, refusals: SourceRefusals = SourceRefusals()) throws -> some ApplicationProtocol {
        let access = try AdminAccess(DashboardSite.tokens, resolver: ProcessSecretResolver(environment: DashboardSite.environment))
        let data = AdminData(store: bridge.sqlite, rules: bridge.rules)
        let router = AdminRouter(store: bridge.sqlite, access: access, data: data, refusals: refusals)
        return Application(router: router.build(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test func aDeliveryShowsItsMaskedHeadersAndEveryRulesVerdict() async throws {
        let bridge = try await Self.bridgeWithPushes()
        defer { bridge.removeFiles() }
        try await Self.pages(bridge).test(.router) { client in
            var browser = PageBrowser(client: client)
            _ = try await browser.signIn(DashboardSite.viewerToken)
            let first = try await browser.get("/deliveries/1").html
            #expect(first.contains(#"<th scope="row"><code>x-github-event</code></th><td><code>push</code></td>"#))
            #expect(first.contains(#"<th scope="row"><code>x-hub-signature-256</code></th><td><span class="masked">(masked)</span></td>"#))
            #expect(first.contains(#"<th scope="row"><code>x-deploy-token</code></th><td><span class="masked">(masked)</span></td>"#))
            #expect(first.contains(#"<li data-rule="main-to-staging" class="matched">"#))
            #expect(first.contains(#"<li data-rule="api-changes" class="unmatched">"#))
            #expect(first.contains(#"<ul id="runs" class="run-list">"#))
            #expect(!first.contains(#"id="duplicate-of""#))
            let again = try await browser.get("/deliveries/2").html
            #expect(again.contains(#"<div id="duplicate-of">"#))
            #expect(again.contains(#"The push already ran as <a href="/runs/1">run 1</a>"#))
            for page in [first, again] {
                #expect(!page.contains(Self.headerSecret))
                #expect(!page.contains(TestBridge.githubSecret))
            }
            let filtered = try await browser.get("/deliveries?status=duplicate").html
            #expect(filtered.contains(#"<tr data-delivery-id="2">"#) && !filtered.contains(#"<tr data-delivery-id="1">"#))
            #expect(try await browser.get("/deliveries?repository=acme/other").html.contains("No delivery matches."))
        }
    }

    @Test func aSourceWhoseLastDeliveryWasRefusedStandsOut() async throws {
        let bridge = try await Self.bridgeWithPushes()
        defer { bridge.removeFiles() }
        let refusals = SourceRefusals()
        let sources = try SourceRegistry(rules: bridge.rules, resolver: ProcessSecretResolver(environment: TestBridge.environment))
        let intake = WebhookIntake(
            rules: bridge.rules, sources: sources, store: bridge.sqlite, now: { Date() }, logger: Logger(label: "test"), refusals: refusals)
        let webhooks = BridgeRouter(intake: intake, store: bridge.sqlite, metrics: bridge.metrics).build()
        try await Application(router: webhooks).test(.router) { client in
            let body = Deliveries.githubPush()
            let forged = Deliveries.githubHeaders(body: body, delivery: "forged-3", secret: "not-the-secret")
            let answer = try await WebhookRouteTests().post(client, body: body, headers: forged)
            #expect(answer.status == 401)
        }
        #expect(refusals.last(source: "shop-github")?.reason == "not verified")
        try await Self.pages(bridge, refusals: refusals).test(.router) { client in
            var browser = PageBrowser(client: client)
            _ = try await browser.signIn(DashboardSite.viewerToken)
            let html = try await browser.get("/").html
            #expect(html.contains(#"<tr data-source="shop-github" class="attention">"#))
            #expect(html.contains("its last delivery was refused: not verified"))
        }
    }
}
