import BridgeCore
import BridgeProviders
import BridgeServer
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// The reloader on its own: what it swaps, what it refuses, what its watch sees.
@Suite struct RulesReloaderTests {
    /// A reloader of `folder`'s rules, with the rules it loaded first in force.
    struct Harness {
        let folder: RulesFolder
        let live: LiveRules
        let reloader: RulesReloader
        let metrics = BridgeMetrics()
        let logs = CapturedLogs()
        let httpClient = ProviderHTTPClient()

        init(_ folder: RulesFolder, watch: Duration? = nil, environment: [String: String] = TestBridge.environment) throws {
            self.folder = folder
            let resolver = ProcessSecretResolver(environment: environment)
            let (path, httpClient) = (folder.path, httpClient)
            let build: @Sendable () throws(StartupError) -> RulesSnapshot = { () throws(StartupError) in
                try RulesSnapshot.build(path: path, resolver: resolver, httpClient: httpClient)
            }
            live = LiveRules(try build())
            reloader = RulesReloader(path: path, live: live, build: build, watchInterval: watch, metrics: metrics, logger: logs.logger())
        }

        /// Runs the reloader's watch while `body` runs.
        func watching(_ body: () async throws -> Void) async throws {
            let group = ServiceGroup(services: [reloader], gracefulShutdownSignals: [], logger: Logger(label: "test"))
            try await withThrowingTaskGroup { tasks in
                tasks.addTask { try await group.run() }
                var failure: (any Error)?
                do { try await body() } catch { failure = error }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                if let failure { throw failure }
            }
        }

        func close() async {
            try? await httpClient.shutdown()
            folder.remove()
        }
    }

    /// Polls `condition` every 20 ms for up to 10 s.
    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    @Test func aValidChangeIsPutInForce() async throws {
        let harness = try Harness(RulesFolder())
        let before = try #require(harness.live.current.version)
        try harness.folder.write(TestBridge.rulesYAML + RulesFolder.releaseRule)

        #expect(harness.reloader.reload(trigger: "test"))
        let after = harness.live.current
        #expect(after.version == harness.folder.digest)
        #expect(after.version != before)
        #expect(after.rules.rules.map(\.name).contains("release-to-production"))
        #expect(harness.live.lastReload?.succeeded == true)
        let text = harness.metrics.render()
        #expect(text.contains(#"gitops_bridge_rules_reloads_total{result="success"} 1"#), "\(text)")
        #expect(text.contains(#"gitops_bridge_rules_info{version="\#(after.version ?? "")"} 1"#), "\(text)")
        #expect(!text.contains(before), "the replaced version is still shown:\n\(text)")
        #expect(text.contains("gitops_bridge_rules_last_reload_success 1"), "\(text)")
        await harness.close()
    }

    @Test func anInvalidChangeKeepsTheRulesInForceAndIsCountedAndLoggedWithItsPosition() async throws {
        let harness = try Harness(RulesFolder())
        let before = harness.live.current.version
        try harness.folder.write(TestBridge.rulesYAML + RulesFolder.brokenRule)

        #expect(!harness.reloader.reload(trigger: "test"))
        #expect(harness.live.current.version == before)
        #expect(!harness.live.current.rules.rules.map(\.name).contains("broken"))
        #expect(harness.live.lastReload?.succeeded == false)
        let text = harness.metrics.render()
        #expect(text.contains(#"gitops_bridge_rules_reloads_total{result="failure"} 1"#), "\(text)")
        #expect(text.contains("gitops_bridge_rules_last_reload_success 0"), "\(text)")
        let refused = try #require(harness.logs.lines("rules reload refused; the rules in force stay").first)
        let error = refused.metadata["error"] ?? ""
        // `file:line:column: message`: the broken rule's target is on the file's last line.
        let lastLine = (TestBridge.rulesYAML + RulesFolder.brokenRule).split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(error.contains("\(harness.folder.path):\(lastLine):"), "\(error)")
        #expect(error.contains("nowhere"), "\(error)")
        await harness.close()
    }

    @Test func aSecretThatCannotBeResolvedKeepsTheRulesInForce() async throws {
        let harness = try Harness(RulesFolder())
        let before = harness.live.current.version
        try harness.folder.write(TestBridge.rulesYAML.replacingOccurrences(of: "env:GH_SECRET", with: "env:GH_SECRET_ROTATED"))

        #expect(!harness.reloader.reload(trigger: "test"))
        #expect(harness.live.current.version == before)
        let error = harness.logs.lines("rules reload refused; the rules in force stay").first?.metadata["error"] ?? ""
        #expect(error.contains("GH_SECRET_ROTATED"), "\(error)")
        #expect(!error.contains(TestBridge.githubSecret))
        await harness.close()
    }

    @Test func theWatchSeesAConfigMapSymlinkSwap() async throws {
        let harness = try Harness(RulesFolder(configMap: true), watch: .milliseconds(50))
        let before = harness.live.current.version
        try await harness.watching {
            try harness.folder.write(TestBridge.rulesYAML + RulesFolder.releaseRule)
            let expected = harness.folder.digest
            #expect(expected != before)
            #expect(try await Self.eventually { harness.live.current.version == expected })
        }
        #expect(harness.live.current.rules.rules.map(\.name).contains("release-to-production"))
        await harness.close()
    }

    @Test func theWatchReloadsNothingWhileTheContentsStayTheSame() async throws {
        let harness = try Harness(RulesFolder(), watch: .milliseconds(20))
        try await harness.watching {
            // Written again with the same contents: a new inode and modification time, the same digest.
            for _ in 0..<5 {
                try harness.folder.write(TestBridge.rulesYAML)
                try await Task.sleep(for: .milliseconds(60))
            }
        }
        #expect(harness.live.lastReload == nil)
        #expect(!harness.metrics.render().contains("gitops_bridge_rules_reloads_total"))
        await harness.close()
    }

    @Test func theWatchTriesABrokenVersionOnceAndThenTheFixedOne() async throws {
        let harness = try Harness(RulesFolder(), watch: .milliseconds(20))
        try await harness.watching {
            try harness.folder.write(TestBridge.rulesYAML + RulesFolder.brokenRule)
            #expect(try await Self.eventually { harness.live.lastReload?.succeeded == false })
            try await Task.sleep(for: .milliseconds(200))
            try harness.folder.write(TestBridge.rulesYAML + RulesFolder.releaseRule)
            #expect(try await Self.eventually { harness.live.lastReload?.succeeded == true })
        }
        let text = harness.metrics.render()
        #expect(text.contains(#"gitops_bridge_rules_reloads_total{result="failure"} 1"#), "\(text)")
        #expect(text.contains(#"gitops_bridge_rules_reloads_total{result="success"} 1"#), "\(text)")
        await harness.close()
    }

    /// Contents a SIGHUP already put in force are not loaded again by the watch.
    @Test func theWatchLeavesContentsASighupLoaded() async throws {
        let harness = try Harness(RulesFolder(), watch: .milliseconds(20))
        try await harness.watching {
            try harness.folder.write(TestBridge.rulesYAML + RulesFolder.releaseRule)
            #expect(harness.reloader.reload(trigger: "SIGHUP"))
            try await Task.sleep(for: .milliseconds(300))
        }
        let text = harness.metrics.render()
        #expect(text.contains(#"gitops_bridge_rules_reloads_total{result="success"} 1"#), "\(text)")
        #expect(harness.logs.lines("rules reloaded").count == 1)
        await harness.close()
    }
}
