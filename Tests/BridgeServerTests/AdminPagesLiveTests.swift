import AsyncHTTPClient
import BridgeCore
import BridgeServer
import BridgeStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

/// The dashboard over real loopback connections: the trusted header (which depends on the peer address) and the live
/// log stream.
@Suite struct AdminPagesLiveTests {
    static func configuration(proxies: [String], role: AdminRole = .viewer) -> AdminConfiguration {
        AdminConfiguration(
            host: "127.0.0.1", port: 0, tokens: DashboardSite.tokens, trustedHeader: "X-Forwarded-User",
            trustedProxies: proxies.compactMap(AdminNetwork.init), trustedRole: role)
    }

    @Test func theTrustedHeaderSignsInOnlyFromATrustedAddress() async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        try await site.application(configuration: Self.configuration(proxies: ["10.0.0.0/8", "::1/128"])).test(.live) { client in
            var browser = PageBrowser(client: client)
            let page = try await browser.get("/", headers: [HTTPField.Name("X-Forwarded-User")!: "mallory"])
            #expect(page.status == 303)
        }
        try await site.application(configuration: Self.configuration(proxies: ["127.0.0.0/8"], role: .operator)).test(.live) { client in
            var browser = PageBrowser(client: client)
            let user: HTTPFields = [HTTPField.Name("X-Forwarded-User")!: "alice@example.com"]
            let page = try await browser.get("/runs/\(site.queuedRun)", headers: user)
            #expect(page.status == 200)
            #expect(page.html.contains("<strong>alice@example.com</strong> (operator)"))
            #expect(page.html.contains(#"id="cancel-button""#))
            // No session to end: no sign-out form.
            #expect(!page.html.contains(#"id="logout""#))
            // CSRF applies to a trusted user's forms too.
            #expect(try await browser.post("/runs/\(site.queuedRun)/cancel", form: [:], headers: user).status == 403)
            let done = try await browser.post("/runs/\(site.queuedRun)/cancel", form: ["_csrf": page.csrf ?? ""], headers: user)
            #expect(done.status == 303)
        }
        #expect(try await site.harness.store.run(id: site.queuedRun).summary.status == "canceled")
    }

    @Test func aSessionCookieIsSecureBehindATrustedHTTPSProxyOnly() async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        let https: HTTPFields = [HTTPField.Name("X-Forwarded-Proto")!: "https"]
        try await site.application(configuration: Self.configuration(proxies: ["127.0.0.1"])).test(.live) { client in
            var browser = PageBrowser(client: client)
            let page = try await browser.post("/login", form: ["token": DashboardSite.viewerToken], headers: https)
            #expect(page.cookies.first?.hasSuffix("; Secure") == true)
        }
        try await site.application(configuration: Self.configuration(proxies: [])).test(.live) { client in
            var browser = PageBrowser(client: client)
            let page = try await browser.post("/login", form: ["token": DashboardSite.viewerToken], headers: https)
            #expect(page.cookies.first?.contains("Secure") == false)
        }
    }

    @Test func theLogStreamSendsTheLogSoFarThenEachAppendedPartThenEnd() async throws {
        let site = try await DashboardSite.make()
        defer { site.removeFiles() }
        let store = site.harness.store
        let owner = "stream-test"
        let claim = try #require(try await store.claimNextStep(owner: owner, now: Date(), lease: .seconds(60)))
        #expect(claim.runID == site.queuedRun)
        try await store.appendLog(stepID: claim.stepID, text: "first line\n")
        try await site.application().test(.live) { client in
            var browser = PageBrowser(client: client)
            _ = try await browser.signIn(DashboardSite.viewerToken)
            let port = try #require(client.port)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/runs/\(claim.runID)/steps/\(claim.position)/log/events")
            request.headers.add(name: "Cookie", value: browser.jar.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "Content-Type")?.hasPrefix("text/event-stream") == true)
            var reader = EventReader(iterator: response.body.makeAsyncIterator())
            #expect(try await reader.read(until: "event: log\ndata: first line\ndata: \n\n"))
            try await store.appendLog(stepID: claim.stepID, text: "second line\n")
            #expect(try await reader.read(until: "event: log\ndata: second line\ndata: \n\n"))
            try await store.finishStep(stepID: claim.stepID, owner: owner, result: .succeeded, log: "done\n", now: Date())
            #expect(try await reader.read(until: "event: end\ndata: succeeded\n\n"))
            #expect(try await reader.readToEnd().isEmpty)
            #expect(reader.text.components(separatedBy: "first line").count == 2)
            // Signed out: no stream.
            let stranger = HTTPClientRequest(url: "http://127.0.0.1:\(port)/runs/\(claim.runID)/steps/1/log/events")
            #expect(try await HTTPClient.shared.execute(stranger, timeout: .seconds(10)).status == .unauthorized)
        }
    }

    /// Reads an event stream's body as it comes.
    struct EventReader {
        var iterator: HTTPClientResponse.Body.AsyncIterator
        var text = ""
        var consumed = 0

        /// Reads until `marker` appears after what was already matched; false if the stream ends first.
        mutating func read(until marker: String) async throws -> Bool {
            while true {
                let rest = text.dropFirst(consumed)
                if let range = rest.range(of: marker) {
                    consumed = text.distance(from: text.startIndex, to: range.upperBound)
                    return true
                }
                guard let chunk = try await iterator.next() else { return false }
                text += String(buffer: chunk)
            }
        }

        /// Whatever comes after the last match, until the stream closes.
        mutating func readToEnd() async throws -> String {
            while let chunk = try await iterator.next() { text += String(buffer: chunk) }
            return String(text.dropFirst(consumed))
        }
    }
}
