import BridgeCore
import BridgeServer
import BridgeStore
import BridgeTestSupport
import Foundation
import Testing

/// `gitops-bridge reconcile` and `doctor` as a user runs them: the built binary against a bridge whose hook's deliveries
/// failed while it was down. `GitHubFake` stands in for GitHub's hooks API (shared/reference/forge-apis.md).
///
/// Wall-clock bound: it waits for the redelivered pushes to run.
@Suite struct ReconcileCommandTests {
    struct Outcome {
        var exitCode: Int32?
        var output: String
    }

    static func run(_ arguments: [String], in bridge: RecoveryBridge) async throws -> Outcome {
        let log = bridge.directory.appendingPathComponent("command-\(UUID().uuidString).log").path
        let process = try BridgeBinary.start(
            arguments, environment: ["GITHUB_TOKEN": GitHubFake.defaultToken, "HOOK_SECRET": RecoveryBridge.hookSecret], log: log)
        guard await process.waitForExit(timeout: .seconds(60)) else {
            await process.terminate()
            throw BridgeBinary.Failure(description: "gitops-bridge \(arguments.first ?? "") did not finish within 60 s")
        }
        return Outcome(exitCode: process.exitCode, output: try String(contentsOfFile: log, encoding: .utf8))
    }

    static func arguments(_ command: String, _ bridge: RecoveryBridge, _ extra: [String] = []) -> [String] {
        [command, "--rules", bridge.rulesPath, "--public-url", bridge.publicURL]
            + (command == "reconcile" ? ["--database", bridge.databasePath] : []) + extra
    }

    @Test func reconcileSaysWhatIsMissingThenRedeliversItOnce() async throws {
        try await withGitHubFake(GitHubFake()) { github in
            var closed: ClosedPort? = try ClosedPort()
            let bridge = try RecoveryBridge(
                forge: .github, port: try #require(closed?.port), status: "  github: {url: \"\(github.baseURL)\", token: env:GITHUB_TOKEN}",
                recover: "{repositories: [acme/shop]}")
            defer { bridge.remove() }
            let hook = github.addHook(GitHubFake.Hook(url: bridge.hookURL, secret: RecoveryBridge.hookSecret))
            let missed = [
                try #require(await github.deliver(hook: hook, body: bridge.push(sha: String(repeating: "1", count: 40)))),
                try #require(await github.deliver(hook: hook, body: bridge.push(sha: String(repeating: "2", count: 40)))),
            ]
            closed = nil
            let resolver = ProcessSecretResolver(environment: [
                "HOOK_SECRET": RecoveryBridge.hookSecret, "PATH": "/usr/bin:/bin", "GITHUB_TOKEN": GitHubFake.defaultToken,
            ])
            try await bridge.run(recovery: RecoveryConfiguration(interval: nil), resolver: resolver) {
                let dry = try await Self.run(Self.arguments("reconcile", bridge, ["--dry-run", "--since", "24h"]), in: bridge)
                #expect(dry.exitCode == 0, "\(dry.output)")
                for entry in missed { #expect(dry.output.contains("missing     shop \(entry.guid)"), "\(dry.output)") }
                #expect(dry.output.contains("2 deliveries: 0 found, 2 missing, 0 skipped, 0 failed"))
                #expect(!github.hookDeliveries.contains { $0.redelivery })

                let real = try await Self.run(Self.arguments("reconcile", bridge), in: bridge)
                #expect(real.exitCode == 0, "\(real.output)")
                #expect(real.output.contains("0 found, 2 redelivered"), "\(real.output)")
                // Redelivered oldest first: the second push runs last (the first too, unless the second superseded it).
                try await GitLabEndToEndTests.waitUntil(.seconds(60)) { bridge.ranLines().last == String(repeating: "2", count: 40) }

                let again = try await Self.run(Self.arguments("reconcile", bridge, ["--json"]), in: bridge)
                #expect(again.exitCode == 0)
                #expect(again.output.contains("\"action\" : \"found\""), "\(again.output)")
                #expect(github.hookDeliveries.filter(\.redelivery).count == 2)

                let doctor = try await Self.run(Self.arguments("doctor", bridge), in: bridge)
                #expect(doctor.exitCode == 0, "\(doctor.output)")
                #expect(doctor.output.contains("warning: shop: acme/shop hook \(hook): 2 of 4 deliveries in the last 24h failed"), "\(doctor.output)")
            }
            let list = try await Self.run(["deliveries", "--database", bridge.databasePath], in: bridge)
            #expect(list.output.components(separatedBy: "(recovered)").count == 3, "\(list.output)")
        }
    }

    @Test func reconcileFailsWithExitOneWhenTheHookCannotBeFound() async throws {
        try await withGitHubFake(GitHubFake()) { github in
            let closed = try ClosedPort()
            let bridge = try RecoveryBridge(
                forge: .github, port: closed.port, status: "  github: {url: \"\(github.baseURL)\", token: env:GITHUB_TOKEN}",
                recover: "{repositories: [acme/shop]}")
            defer { bridge.remove() }
            try SQLiteDeliveryStore(path: bridge.databasePath).close()
            let outcome = try await Self.run(Self.arguments("reconcile", bridge), in: bridge)
            #expect(outcome.exitCode == 1)
            #expect(
                outcome.output.contains("error       source shop, acme/shop: acme/shop has no hook calling \(bridge.hookURL)"), "\(outcome.output)")
        }
    }

    /// A `status` block whose token cannot be read: `doctor` says what it cannot check and exits 0; `reconcile` stops
    /// with one line. Neither crashes (AsyncHTTPClient traps on a client dropped without a shutdown).
    @Test func anUnreadableTokenIsSaidNotCrashedOn() async throws {
        let bridge = try RecoveryBridge(
            forge: .github, port: 9, status: "  github: {url: \"http://127.0.0.1:9\", token: env:UNSET_RECOVERY_TOKEN}",
            recover: "{repositories: [acme/shop]}")
        defer { bridge.remove() }
        let doctor = try await Self.run(Self.arguments("doctor", bridge), in: bridge)
        #expect(doctor.exitCode == 0, "\(doctor.output)")
        #expect(doctor.output.contains("note: shop: cannot check: the credentials for github cannot be read: "), "\(doctor.output)")
        #expect(doctor.output.contains("UNSET_RECOVERY_TOKEN") && !doctor.output.contains("Fatal error"), "\(doctor.output)")

        let reconcile = try await Self.run(Self.arguments("reconcile", bridge, ["--dry-run"]), in: bridge)
        #expect(reconcile.exitCode == 2, "\(reconcile.output)")
        #expect(reconcile.output.hasPrefix("gitops-bridge: rules.yaml:") || reconcile.output.contains("UNSET_RECOVERY_TOKEN"), "\(reconcile.output)")
        #expect(!reconcile.output.contains("Fatal error"), "\(reconcile.output)")
    }
}
