import BridgeCore
import BridgeProviders
import BridgeServer
import BridgeStore
import BridgeTestSupport
import Foundation
import Logging
import Testing

/// One recovery pass (`DeliveryRecovery`) against `GitHubFake`'s hooks API (shared/reference/forge-apis.md) and a real
/// SQLite store: what it redelivers, what it leaves, what it writes to the ledger.
@Suite struct RecoveryPassTests {
    static let logger = Logger(label: "recovery-tests") { _ in SwiftLogNoOpLogHandler() }
    static let publicURL = "https://hooks.example.com"

    struct Setup {
        var rules: RuleSet
        var store: SQLiteDeliveryStore
        var directory: URL
        var log: GitHubHookLog
        var hook: Int
        var metrics = BridgeMetrics()

        func recovery(publicURL: String? = RecoveryPassTests.publicURL, now: @escaping @Sendable () -> Date = { Date() }) -> DeliveryRecovery {
            DeliveryRecovery(
                rules: rules, logs: [.github: log], ledger: store, publicURL: publicURL, metrics: metrics, logger: RecoveryPassTests.logger, now: now)
        }
    }

    /// A source `shop` recovering acme/shop's hook (calling the bridge at a port that answers `status`), a store, and
    /// the fake's hook.
    static func setup(_ github: GitHubFake, receiver: String, recover: String = "{repositories: [acme/shop]}") throws -> Setup {
        let rules = try RulesLoader.load(files: [
            (
                path: "rules.yaml",
                contents: """
                version: 1
                sources:
                  shop: {forge: github, secret: env:S, recover: \(recover)}
                status:
                  github: {url: "\(github.baseURL)", token: env:T}
                targets: {smoke: {provider: command, run: ["true"]}}
                rules: [{name: r, source: shop, on: push, deploy: [smoke]}]
                """
            )
        ])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recovery-pass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteDeliveryStore(path: directory.appendingPathComponent("bridge.sqlite").path)
        github.addHook(GitHubFake.Hook(url: "https://elsewhere.example.com/hooks/shop", secret: "s"))
        let hook = github.addHook(GitHubFake.Hook(url: "\(publicURL)/hooks/shop", secret: "s"))
        let client = try GitHubClient(
            baseURL: github.baseURL, credentials: .token(Secret(bytes: Array(GitHubFake.defaultToken.utf8), reference: .environment("T"))),
            httpClient: .forRecoveryTests)
        github.setHookURL(hook, url: receiver)
        return Setup(rules: rules, store: store, directory: directory, log: GitHubHookLog(client: client), hook: hook)
    }

    static func record(_ key: String, in store: SQLiteDeliveryStore) async throws {
        _ = try await store.record(
            NewDelivery(
                source: "shop", forge: .github, key: key, eventName: "push", receivedAt: Date(), disposition: .ignored, reason: "test", runs: []))
    }

    @Test func unrecordedFailedDeliveriesAreRedeliveredOnceAndRecordedOnesNever() async throws {
        try await withGitHubFake(GitHubFake()) { github in
            let closed = try ClosedPort()
            let receiver = try await AnsweringServer.start(status: 202)
            defer { Task { await receiver.stop() } }
            // Found by its id: its URL is the receiver's, not the public URL's.
            let setup = try Self.setup(github, receiver: "\(closed.url)/hooks/shop", recover: "{repositories: [acme/shop], hook: 12000002}")
            #expect(setup.hook == 12_000_002)
            defer { try? FileManager.default.removeItem(at: setup.directory) }
            let body = Array("{}".utf8)
            let missed = try #require(await github.deliver(hook: setup.hook, body: body))
            let recorded = try #require(await github.deliver(hook: setup.hook, body: body))
            try await Self.record(recorded.guid, in: setup.store)
            github.setHookURL(setup.hook, url: "http://127.0.0.1:\(receiver.port)/hooks/shop")

            let report = await setup.recovery().pass()
            #expect(report.problems.isEmpty, "\(report.problems)")
            let actions = Dictionary(uniqueKeysWithValues: report.lines.map { ($0.key, $0.action) })
            #expect(actions == [missed.guid: "redelivered", recorded.guid: "found"])
            #expect(github.hookDeliveries.filter(\.redelivery).map(\.guid) == [missed.guid])
            #expect(try await setup.store.redeliveryCounts(source: "shop", keys: [missed.guid, recorded.guid]) == [missed.guid: 1])
            #expect(try await setup.store.lastRecoveryPass(source: "shop") != nil)
            #expect(setup.metrics.render().contains(#"gitops_bridge_recovered_deliveries_total{source="shop",forge="github"} 1"#))

            // The redelivery was answered 202 by something that recorded nothing: not asked for again.
            let second = await setup.recovery().pass()
            #expect(second.lines.first { $0.key == missed.guid }?.action == "skipped")
            #expect(github.hookDeliveries.filter(\.redelivery).count == 1)
        }
    }

    /// Stands in for a forge that refuses every redelivery (a 5xx), reading `GitHubFake`'s log otherwise.
    struct RefusingRedeliveries: HookLog {
        let log: GitHubHookLog

        func hooks(of owner: HookOwner) async throws(ProviderError) -> [HookSettings] { try await log.hooks(of: owner) }

        func deliveries(of owner: HookOwner, hook: String, since: Date) async throws(ProviderError) -> [HookDelivery] {
            try await log.deliveries(of: owner, hook: hook, since: since)
        }

        func redeliver(_ delivery: HookDelivery, of owner: HookOwner, hook: String) async throws(ProviderError) {
            throw .retryable("GitHub 500: Server Error")
        }
    }

    /// A refused redelivery keeps the pass from counting as complete, so the next one looks at it again; a window given
    /// by hand (`reconcile --since`) does not move the mark either.
    @Test func aRefusedRedeliveryIsAskedForAgainByTheNextPass() async throws {
        try await withGitHubFake(GitHubFake()) { github in
            let closed = try ClosedPort()
            let setup = try Self.setup(github, receiver: "\(closed.url)/hooks/shop")
            defer { try? FileManager.default.removeItem(at: setup.directory) }
            let missed = try #require(await github.deliver(hook: setup.hook, body: Array("{}".utf8)))
            github.setHookURL(setup.hook, url: "\(Self.publicURL)/hooks/shop")
            let refusing = DeliveryRecovery(
                rules: setup.rules, logs: [.github: RefusingRedeliveries(log: setup.log)], ledger: setup.store, publicURL: Self.publicURL,
                logger: Self.logger)

            let first = await refusing.pass()
            #expect(first.lines.map(\.action) == ["failed"] && first.lines.first?.key == missed.guid, "\(first)")
            #expect(try await setup.store.lastRecoveryPass(source: "shop") == nil)

            let byHand = await setup.recovery().pass(since: Date().addingTimeInterval(-3600))
            #expect(byHand.lines.map(\.action) == ["redelivered"], "\(byHand)")
            #expect(try await setup.store.lastRecoveryPass(source: "shop") == nil)
            #expect(github.hookDeliveries.filter(\.redelivery).map(\.guid) == [missed.guid])

            _ = await setup.recovery().pass()
            #expect(try await setup.store.lastRecoveryPass(source: "shop") != nil)
        }
    }

    @Test func aDryRunAsksForNothingAndWritesNothing() async throws {
        try await withGitHubFake(GitHubFake()) { github in
            let closed = try ClosedPort()
            let setup = try Self.setup(github, receiver: "\(closed.url)/hooks/shop")
            defer { try? FileManager.default.removeItem(at: setup.directory) }
            github.setHookURL(setup.hook, url: "\(closed.url)/hooks/shop")
            let entry = try #require(await github.deliver(hook: setup.hook, body: Array("{}".utf8)))
            github.setHookURL(setup.hook, url: "\(Self.publicURL)/hooks/shop")
            let report = await setup.recovery().pass(dryRun: true)
            #expect(
                report.lines == [
                    DeliveryRecovery.Line(source: "shop", hook: "acme/shop hook \(setup.hook)", key: entry.guid, action: "missing", reason: "dry run")
                ])
            #expect(!github.hookDeliveries.contains { $0.redelivery })
            #expect(try await setup.store.redeliveryCounts(source: "shop", keys: [entry.guid]).isEmpty)
            #expect(try await setup.store.lastRecoveryPass(source: "shop") == nil)
        }
    }

    @Test func aDeliveryRefusedWith401OrOlderThanTheLookBackIsLeft() async throws {
        try await withGitHubFake(GitHubFake()) { github in
            let refusing = try await AnsweringServer.start(status: 401)
            defer { Task { await refusing.stop() } }
            let setup = try Self.setup(github, receiver: "")
            defer { try? FileManager.default.removeItem(at: setup.directory) }
            github.setHookURL(setup.hook, url: "http://127.0.0.1:\(refusing.port)/hooks/shop")
            let refused = try #require(await github.deliver(hook: setup.hook, body: Array("{}".utf8)))
            github.setHookURL(setup.hook, url: "\(Self.publicURL)/hooks/shop")
            let report = await setup.recovery().pass()
            #expect(report.lines.map(\.action) == ["skipped"] && report.lines.first?.key == refused.guid)
            // A pass looking back from four days ahead sees none of it.
            let later = await setup.recovery(now: { Date().addingTimeInterval(4 * 24 * 3600) }).pass()
            #expect(later.lines.isEmpty)
        }
    }

    @Test func aHookNotFoundIsAProblemNamingTheURL() async throws {
        try await withGitHubFake(GitHubFake()) { github in
            let setup = try Self.setup(github, receiver: "https://moved.example.com/hooks/shop")
            defer { try? FileManager.default.removeItem(at: setup.directory) }
            let report = await setup.recovery().pass()
            #expect(
                report.problems == [
                    "source shop, acme/shop: acme/shop has no hook calling https://hooks.example.com/hooks/shop; name the hook with recover.hook"
                ])
            let withoutURL = await setup.recovery(publicURL: nil).pass()
            #expect(withoutURL.problems.first?.contains("without --public-url") == true)
        }
    }
}

extension ProviderHTTPClient {
    /// One client for this target's tests, never shut down.
    static let forRecoveryTests = ProviderHTTPClient(connect: .seconds(5), read: .seconds(30))
}
