import BridgeCore
import BridgeServer
import BridgeStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// What each dashboard page shows of recorded deliveries and runs, and what it never shows.
@Suite struct AdminPagesContentTests {
    static let pages = ["/", "/deliveries", "/deliveries/1", "/deliveries/2", "/runs", "/runs/1", "/runs/2", "/login"]

    @Test func theOverviewShowsTheQueueFailuresAndEachSource() async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        try await site.application().test(.router) { client in
            var browser = PageBrowser(client: client)
            _ = try await browser.signIn(DashboardSite.viewerToken)
            let html = try await browser.get("/").html
            #expect(html.contains(#"<strong id="queue-depth">1</strong>"#))
            #expect(html.contains(#"<ul id="running" class="run-list">"#))
            #expect(html.contains(#"<ul id="recent-failures" class="run-list">"#))
            #expect(html.contains(#"<li><a href="/runs/\#(site.failedRun)">Run \#(site.failedRun)</a>"#))
            // shop-gitlab's last delivery (the queued run's) is fine; shop-github never sent one.
            #expect(html.contains(#"<tr data-source="shop-gitlab">"#))
            #expect(html.contains(#"<tr data-source="shop-github" class="attention">"#))
            #expect(html.contains("no delivery recorded yet"))
        }
    }

    @Test func theListsFilterAndLinkToEachRecord() async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        try await site.application().test(.router) { client in
            var browser = PageBrowser(client: client)
            _ = try await browser.signIn(DashboardSite.viewerToken)
            let deliveries = try await browser.get("/deliveries").html
            #expect(deliveries.contains(#"<form id="filters" class="filters" method="get" action="/deliveries">"#))
            for name in ["source", "status", "repository", "since"] { #expect(deliveries.contains(#"name="\#(name)""#)) }
            #expect(deliveries.contains(#"<tr data-delivery-id="1">"#) && deliveries.contains(#"<a href="/deliveries/1">"#))
            #expect(!deliveries.contains(#"id="next-page""#))
            #expect(try await browser.get("/deliveries?source=shop-github").html.contains("No delivery matches."))
            #expect(try await browser.get("/deliveries?repository=acme/shop").html.contains(#"data-delivery-id="2""#))
            #expect(try await browser.get("/deliveries?since=2999-01-01").html.contains("No delivery matches."))
            #expect(try await browser.get("/deliveries?since=yesterday").html.contains(#"class="problem""#))
            let runs = try await browser.get("/runs?rule=gitlab-main").html
            for name in ["status", "environment", "source", "repository", "rule"] { #expect(runs.contains(#"name="\#(name)""#)) }
            #expect(runs.contains(#"<tr data-run-id="\#(site.queuedRun)">"#))
            #expect(!runs.contains(#"<tr data-run-id="\#(site.failedRun)">"#))
            #expect(try await browser.get("/runs?status=done").html.contains("status must be one of"))
        }
    }

    @Test func aListLongerThanAPageLinksToTheNext() async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        for index in 0..<55 {
            try await site.harness.queueRun(rule: "bulk", targets: ["smoke"], sha: String(format: "%040d", index))
        }
        try await site.application().test(.router) { client in
            var browser = PageBrowser(client: client)
            _ = try await browser.signIn(DashboardSite.viewerToken)
            let first = try await browser.get("/runs?rule=bulk")
            let next = try #require(first.html.range(of: #"<a id="next-page" href=""#).map { first.html[$0.upperBound...].prefix { $0 != "\"" } })
            #expect(next.hasPrefix("/runs?") && next.contains("rule=bulk") && next.contains("cursor="))
            let second = try await browser.get(String(next).replacingOccurrences(of: "&amp;", with: "&"))
            #expect(second.html.components(separatedBy: "<tr data-run-id=").count - 1 == 5)
            #expect(!second.html.contains(#"id="next-page""#))
        }
    }

    @Test func aRunPageShowsStepsErrorsLogsConsoleLinksAndForgeStatus() async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        try await site.application().test(.router) { client in
            var browser = PageBrowser(client: client)
            _ = try await browser.signIn(DashboardSite.viewerToken)
            let html = try await browser.get("/runs/\(site.failedRun)").html
            #expect(html.contains(#"<span id="run-status" class="status status-failed">failed</span>"#))
            #expect(html.contains(#"<ol id="steps" class="steps">"#))
            #expect(html.contains(#"data-step-position="1" data-step-status="failed""#))
            #expect(html.contains(#"data-step-position="2""#))
            #expect(html.contains(#"<p class="step-error">deployment d-ABC123XYZ failed: &lt;health check&gt;</p>"#))
            #expect(html.contains(#"<pre id="log-1" class="log" role="log" tabindex="0" aria-labelledby="log-heading-1">creating deployment"#))
            #expect(
                html.contains(
                    #"<a href="https://eu-west-2.console.aws.amazon.com/codesuite/codedeploy/deployments/d-ABC123XYZ?region=eu-west-2" rel="noopener noreferrer">d-ABC123XYZ</a>"#
                ))
            #expect(html.contains(#"<div id="forge-status">"#))
            #expect(html.contains("env:DEPLOY_TOKEN"))
            #expect(html.contains("(masked)"))
            // A queued run's first step follows its log live.
            let queued = try await browser.get("/runs/\(site.queuedRun)").html
            #expect(queued.contains(#"data-events="/runs/\#(site.queuedRun)/steps/1/log/events""#))
            let missing = try await browser.get("/runs/999")
            #expect(missing.status == 404)
            #expect(missing.html.contains("<h1>Not found</h1>") && missing.html.contains("Run 999 not found."))
            #expect(try await browser.get("/runs/abc").status == 404)
        }
    }

    @Test func aDeliveryPageShowsWhatItBecameAndItsRuns() async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        try await site.application().test(.router) { client in
            var browser = PageBrowser(client: client)
            _ = try await browser.signIn(DashboardSite.viewerToken)
            let html = try await browser.get("/deliveries/1").html
            #expect(html.contains(#"<section id="event" aria-labelledby="event-heading">"#))
            #expect(html.contains(#"<ul id="runs" class="run-list">"#))
            #expect(html.contains(#"<a href="/runs/\#(site.failedRun)">"#))
            #expect(html.contains(#"<table id="headers">"#))
            #expect(html.contains(#"<ul id="verdicts" class="verdicts">"#))
            #expect(try await browser.get("/deliveries/77").status == 404)
        }
    }

    @Test func everyPageIsAccessibleInShapeAndCarriesNoSecret() async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        let texts = try await site.application().test(.router) { client in
            var texts: [String] = []
            var browser = PageBrowser(client: client)
            for token in [DashboardSite.viewerToken, DashboardSite.operatorToken] {
                _ = try await browser.signIn(token)
                for uri in Self.pages {
                    let page = try await browser.get(uri)
                    #expect(page.status == 200 || (uri == "/login" && page.status == 303), "\(uri)")
                    texts.append(page.html + page.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n"))
                    guard page.status == 200 else { continue }
                    #expect(page.html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"), "\(uri)")
                    #expect(page.html.components(separatedBy: "<h1").count == 2, "\(uri)")
                    #expect(page.html.components(separatedBy: "<main id=\"main\"").count == 2, "\(uri)")
                    #expect(page.html.contains(##"<a class="skip-link" href="#main">"##), "\(uri)")
                    #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                }
            }
            for asset in ["/static/app.css", "/static/app.js"] {
                var stranger = PageBrowser(client: client)
                let answer = try await stranger.get(asset)
                #expect(answer.status == 200)
                #expect(!answer.html.isEmpty)
            }
            return texts
        }
        let secrets = [DashboardSite.viewerToken, DashboardSite.operatorToken, DashboardSite.literalSecret]
        for secret in secrets {
            #expect(!texts.contains { $0.contains(secret) }, "\(secret)")
        }
    }
}
