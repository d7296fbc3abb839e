import BridgeCore
import BridgeServer
import BridgeTestSupport
import Foundation
import Glibc
import Hummingbird
import HummingbirdTesting
import Logging
import NIOHTTP1
import Testing

/// Reloading the rules of a running bridge, over loopback: what the next delivery sees, what `/readyz` shows.
@Suite struct RulesReloadTests {
    static let http = LiveHTTPTests()

    /// Pushes to `branch` of the GitHub source; returns the answer's status and body.
    static func push(port: Int, branch: String, delivery: String) async throws -> (status: Int, body: String) {
        let body = Deliveries.githubPush(branch: branch, sha: String(repeating: "a", count: 39) + String(delivery.count % 10))
        return try await http.send(
            port: port, path: "/hooks/shop-github", headers: Deliveries.githubHeaders(body: body, delivery: delivery), body: body)
    }

    /// `/readyz`'s body once it names `version` (polled for up to 10 s), or the last one read.
    static func readiness(port: Int, showing version: String) async throws -> String {
        var text = ""
        for _ in 0..<200 {
            text = try await http.send(port: port, path: "/readyz", method: .GET).body
            if text.contains("rules \(version)\n") { return text }
            try await Task.sleep(for: .milliseconds(50))
        }
        return text
    }

    /// A bridge serving `folder`'s rules, watching them every 50 ms.
    static func withBridge(_ folder: RulesFolder, _ body: @Sendable (Int) async throws -> Void) async throws {
        var configuration = ServeConfiguration(
            rulesPath: folder.path, databasePath: folder.directory.appendingPathComponent("bridge.sqlite").path, port: 0,
            logLevel: .critical, environment: [:])
        configuration.rulesWatchInterval = .milliseconds(50)
        let app = try await BridgeServerApp.make(configuration: configuration, resolver: ProcessSecretResolver(environment: TestBridge.environment))
        try await app.test(.live) { client in try await body(try #require(client.port)) }
    }

    @Test(arguments: [false, true])
    func aValidChangeTakesEffectForTheNextDelivery(configMap: Bool) async throws {
        let folder = try RulesFolder(configMap: configMap)
        defer { folder.remove() }
        try await Self.withBridge(folder) { port in
            let before = try await Self.push(port: port, branch: "release", delivery: "before")
            #expect(before.status == 200 && before.body.contains(#""status":"ignored""#), "\(before)")

            try folder.write(TestBridge.rulesYAML + RulesFolder.releaseRule)
            let version = try #require(folder.digest)
            let ready = try await Self.readiness(port: port, showing: version)
            #expect(ready.contains("rules \(version)\n"), "\(ready)")
            #expect(ready.contains("last reload succeeded at "), "\(ready)")

            let after = try await Self.push(port: port, branch: "release", delivery: "after")
            #expect(after.status == 202, "\(after)")
            let metrics = try await Self.http.send(port: port, path: "/metrics", method: .GET).body
            #expect(metrics.contains(#"gitops_bridge_rules_info{version="\#(version)"} 1"#), "\(metrics)")
        }
    }

    @Test func anInvalidChangeIsRefusedAndTheOldRulesKeepServing() async throws {
        let folder = try RulesFolder()
        defer { folder.remove() }
        let original = try #require(folder.digest)
        try await Self.withBridge(folder) { port in
            try folder.write(TestBridge.rulesYAML.replacingOccurrences(of: "branches: [main]", with: "branches: [release]") + RulesFolder.brokenRule)
            var ready = ""
            for _ in 0..<200 where !ready.contains("last reload failed") {
                ready = try await Self.http.send(port: port, path: "/readyz", method: .GET).body
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(ready.contains("rules \(original)\n"), "\(ready)")
            #expect(ready.contains("last reload failed at "), "\(ready)")
            // The refused file would have moved every rule to `release`: `main` still deploys, `release` does not.
            #expect(try await Self.push(port: port, branch: "main", delivery: "main").status == 202)
            let release = try await Self.push(port: port, branch: "release", delivery: "rel")
            #expect(release.body.contains(#""status":"ignored""#), "\(release)")
            let metrics = try await Self.http.send(port: port, path: "/metrics", method: .GET).body
            #expect(metrics.contains(#"gitops_bridge_rules_reloads_total{result="failure"} 1"#), "\(metrics)")
            #expect(metrics.contains("gitops_bridge_rules_last_reload_success 0"), "\(metrics)")
        }
    }

    /// `serve` as a user runs it, the watch off: the change waits for SIGHUP (`systemctl reload`).
    @Test func sighupReloadsTheRulesOfTheServeBinary() async throws {
        let folder = try RulesFolder()
        defer { folder.remove() }
        let port = try OccupiedPort.free()
        let log = folder.directory.appendingPathComponent("serve.log").path
        let serve = try await folder.serve(port: port, log: log)
        defer { kill(serve.pid, SIGKILL) }
        let original = try #require(folder.digest)

        try folder.write(TestBridge.rulesYAML + RulesFolder.releaseRule)
        let version = try #require(folder.digest)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await Self.http.send(port: port, path: "/readyz", method: .GET).body.contains("rules \(original)\n"))

        #expect(kill(serve.pid, SIGHUP) == 0)
        let ready = try await Self.readiness(port: port, showing: version)
        #expect(ready.contains("rules \(version)\n"), "\(ready)\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        #expect(try await Self.push(port: port, branch: "release", delivery: "after-hup").status == 202)
        #expect(serve.isRunning)
        await serve.terminate()
        #expect(serve.exitCode == 0)
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(output.contains("rules reloaded"), "\(output)")
        #expect(output.contains("trigger=SIGHUP"), "\(output)")
    }
}
