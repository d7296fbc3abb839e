import BridgeCore
import BridgeServer
import BridgeStore
import BridgeTestSupport
import Foundation
import Hummingbird
import Testing

/// Recovery end to end through `serve`'s application: `GitHubFake` stands in for GitHub's hooks and hook-deliveries API
/// (shared/reference/forge-apis.md), delivering and redelivering signed pushes to the bridge over loopback.
///
/// Wall-clock bound: it waits for runs and redeliveries to happen.
@Suite struct RecoveryEndToEndTests {
    static func sha(_ index: Int) -> String { String(format: "%040x", 0xabc000 + index) }

    @Test func deliveriesSentWhileTheBridgeWasDownDeployOnceWithNoManualStep() async throws {
        try await withGitHubFake(GitHubFake()) { github in
            var closed: ClosedPort? = try ClosedPort()
            let port = try #require(closed?.port)
            let bridge = try RecoveryBridge(
                forge: .github, port: port, status: "  github: {url: \"\(github.baseURL)\", token: env:GITHUB_TOKEN}",
                recover: "{repositories: [acme/shop]}")
            defer { bridge.remove() }
            let resolver = ProcessSecretResolver(
                environment: ["HOOK_SECRET": RecoveryBridge.hookSecret, "PATH": "/usr/bin:/bin", "GITHUB_TOKEN": GitHubFake.defaultToken])
            let hook = github.addHook(GitHubFake.Hook(url: bridge.hookURL, secret: RecoveryBridge.hookSecret))
            // Three pushes while nothing listens: GitHub logs each as failed to connect.
            for index in 1...3 {
                let entry = try #require(await github.deliver(hook: hook, body: bridge.push(sha: Self.sha(index))))
                #expect(entry.statusCode == 0)
            }
            closed = nil

            let off = RecoveryConfiguration(interval: nil)
            // Up, with room for one delivery in flight (--max-in-flight 1).
            let recorded = try await bridge.run(recovery: off, resolver: resolver, intake: IntakeLimits(maxInFlight: 1)) {
                // One the bridge answered 503: a slow client holds the only place.
                let held = try await RawConnection.run {
                    let connection = try RawConnection(port: port)
                    try connection.send("POST /hooks/shop HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{")
                    return connection
                }
                // Until the bridge has read the held request's head and counted it in, an unsigned probe is answered 401
                // (and recorded nowhere); then 503.
                var probe = 0
                for _ in 0..<200 where probe != 503 {
                    probe = try await LiveHTTPTests().send(port: port, path: "/hooks/shop", body: Array("{}".utf8)).status
                    if probe != 503 { try await Task.sleep(for: .milliseconds(50)) }
                }
                #expect(probe == 503)
                let refused = try #require(await github.deliver(hook: hook, body: bridge.push(sha: Self.sha(4))))
                #expect(refused.statusCode == 503)
                let status = try await RawConnection.run {
                    try held.send("}")
                    return try held.receiveResponse().status
                }
                #expect(status == 401)
                // One the bridge recorded, whose answer GitHub never saw: it is not sent again.
                let entry = try #require(await github.deliver(hook: hook, body: bridge.push(sha: Self.sha(5))))
                #expect(entry.statusCode == 202)
                // Until its run's outcome is recorded: stopped mid-step, the bridge would run it again at the next start.
                let deadline = ContinuousClock.now + .seconds(60)
                while await bridge.succeededRuns() < 1, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
                #expect(await bridge.succeededRuns() == 1)
                return entry
            }
            github.setDeliveryStatus(recorded.id, statusCode: 0)

            try await bridge.run(recovery: RecoveryConfiguration(), resolver: resolver) {
                do {
                    try await GitLabEndToEndTests.waitUntil(.seconds(60)) { bridge.ranLines().last == Self.sha(4) }
                } catch {
                    Issue.record("ran \(bridge.ranLines()); log \(github.hookDeliveries.map { ($0.guid.prefix(6), $0.statusCode, $0.redelivery) }); requests \(github.requests.map { "\($0.method) \($0.path) \($0.query ?? "")" })")
                    throw error
                }
                // Time for a stray second redelivery or run to show up.
                try await Task.sleep(for: .milliseconds(500))
            }
            // Each ran at most once, the newest redelivered last (redelivered oldest first, so a newer push supersedes an
            // older one still queued, as for deliveries that came in time); every delivery recorded once.
            let ran = bridge.ranLines()
            #expect(Set(ran).count == ran.count && ran.first == Self.sha(5) && ran.last == Self.sha(4), "\(ran)")
            let store = try SQLiteDeliveryStore.openReadOnly(path: bridge.databasePath)
            let recordedKeys = try await store.deliveries(limit: 100, source: nil).map(\.key)
            #expect(recordedKeys.sorted() == github.hookDeliveries.filter { !$0.redelivery }.map(\.guid).sorted())
            let redelivered = github.hookDeliveries.filter(\.redelivery)
            #expect(redelivered.map(\.guid).sorted() == github.hookDeliveries.filter { !$0.redelivery && $0.id != recorded.id }.map(\.guid).sorted())
            #expect(redelivered.allSatisfy { $0.statusCode == 202 })
            #expect(!redelivered.contains { $0.guid == recorded.guid })
        }
    }

    /// GitLab (`GitLabFake` stands in for the project hooks and hook events API, resend included): two pushes sent while
    /// nothing listened are resent once the bridge starts, and deploy once each.
    @Test func gitlabEventsSentWhileTheBridgeWasDownAreResentOnce() async throws {
        try await withGitLabFake(GitLabFake()) { gitlab in
            var closed: ClosedPort? = try ClosedPort()
            let port = try #require(closed?.port)
            let bridge = try RecoveryBridge(
                forge: .gitlab, port: port, status: "  gitlab: {url: \"\(gitlab.baseURL)\", token: env:GITLAB_TOKEN}",
                recover: "{repositories: [acme/shop]}")
            defer { bridge.remove() }
            let resolver = ProcessSecretResolver(
                environment: ["HOOK_SECRET": RecoveryBridge.hookSecret, "PATH": "/usr/bin:/bin", "GITLAB_TOKEN": GitLabFake.defaultToken])
            let hook = gitlab.addHook(GitLabFake.Hook(url: bridge.hookURL, token: RecoveryBridge.hookSecret))
            for index in 11...12 {
                let event = try #require(await gitlab.deliver(hook: hook, body: bridge.push(sha: Self.sha(index))))
                #expect(event.responseStatus == nil)
            }
            closed = nil

            try await bridge.run(recovery: RecoveryConfiguration(), resolver: resolver) {
                try await GitLabEndToEndTests.waitUntil(.seconds(60)) { bridge.ranLines().last == Self.sha(12) }
                try await Task.sleep(for: .milliseconds(500))
            }
            // Resent oldest first: 12 runs last (11 too, unless 12 superseded it while it was queued); each once.
            let ran = bridge.ranLines()
            #expect(Set(ran).count == ran.count && ran.last == Self.sha(12) && Set(ran).isSubset(of: [Self.sha(11), Self.sha(12)]), "\(ran)")
            let store = try SQLiteDeliveryStore.openReadOnly(path: bridge.databasePath)
            let recordedKeys = try await store.deliveries(limit: 100, source: nil).map(\.key)
            #expect(recordedKeys.sorted() == gitlab.hookEvents.filter { !$0.resent }.map(\.idempotencyKey).sorted())
            let resent = gitlab.hookEvents.filter(\.resent)
            #expect(resent.count == 2 && resent.allSatisfy { $0.responseStatus == 202 }, "\(resent)")
            // A resend keeps the Idempotency-Key (the key recorded) and gets a new X-Gitlab-Event-UUID.
            let sent = gitlab.hookEvents.filter { !$0.resent }
            #expect(Set(resent.map(\.idempotencyKey)) == Set(sent.map(\.idempotencyKey)))
            #expect(Set(resent.map(\.eventUUID)).isDisjoint(with: sent.map(\.eventUUID)))
        }
    }

    /// A reload that adds a `recover:` block takes effect at the next pass, without a restart.
    @Test func aRecoverBlockAddedByAReloadRecoversAtTheNextPass() async throws {
        try await withGitHubFake(GitHubFake()) { github in
            var closed: ClosedPort? = try ClosedPort()
            let port = try #require(closed?.port)
            let bridge = try RecoveryBridge(
                forge: .github, port: port, status: "  github: {url: \"\(github.baseURL)\", token: env:GITHUB_TOKEN}", recover: "false")
            defer { bridge.remove() }
            let resolver = ProcessSecretResolver(
                environment: ["HOOK_SECRET": RecoveryBridge.hookSecret, "PATH": "/usr/bin:/bin", "GITHUB_TOKEN": GitHubFake.defaultToken])
            let hook = github.addHook(GitHubFake.Hook(url: bridge.hookURL, secret: RecoveryBridge.hookSecret))
            #expect(try #require(await github.deliver(hook: hook, body: bridge.push(sha: Self.sha(21)))).statusCode == 0)
            closed = nil

            try await bridge.run(recovery: RecoveryConfiguration(interval: .milliseconds(200), jitter: 0), resolver: resolver) {
                try await Task.sleep(for: .milliseconds(600))
                #expect(bridge.ranLines().isEmpty && !github.hookDeliveries.contains(where: \.redelivery))
                try bridge.writeRules(recover: "{repositories: [acme/shop]}")
                try await GitLabEndToEndTests.waitUntil(.seconds(60)) { bridge.ranLines().count >= 1 }
            }
            #expect(bridge.ranLines() == [Self.sha(21)])
        }
    }
}
