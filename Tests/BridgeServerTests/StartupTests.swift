import BridgeCore
import BridgeServer
import BridgeTestSupport
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// `gitops-bridge serve` as a user starts it: the built binary in a child process.
@Suite struct StartupTests {
    /// Every column of every step, as text: what "untouched" means.
    static func steps(in path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM steps ORDER BY id").map(\.description) }
    }

    /// Runs `gitops-bridge serve` with `arguments` after the rules and database until it exits (60 s at most): its exit
    /// status, nil if it had to be stopped, and everything it printed.
    static func serveUntilExit(_ bridge: TestBridge, _ arguments: [String], environment: [String: String] = TestBridge.environment)
        async throws -> (exitCode: Int32?, output: String)
    {
        let log = bridge.directory.appendingPathComponent("serve.log").path
        let serve = try BridgeBinary.start(
            ["serve", "--rules", bridge.rulesPath, "--database", bridge.databasePath] + arguments, environment: environment, log: log)
        let exited = await serve.waitForExit(timeout: .seconds(60))
        if !exited { await serve.terminate() }
        return (exited ? serve.exitCode : nil, try String(contentsOfFile: log, encoding: .utf8))
    }

    /// Records one push (two runs, two pending steps) and returns its steps as `steps(in:)` reads them.
    static func pendingSteps(_ bridge: TestBridge) async throws -> [String] {
        try await bridge.application().test(.router) { client in
            let body = Deliveries.githubPush()
            let answer = try await WebhookRouteTests().post(client, body: body, headers: Deliveries.githubHeaders(body: body, delivery: "q"))
            #expect(answer.status == 202)
        }
        return try steps(in: bridge.databasePath)
    }

    @Test func aSecondServeOnABusyPortExitsBeforeItsWorkerTouchesAStep() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let before = try await Self.pendingSteps(bridge)
        #expect(before.count == 2 && before.allSatisfy { $0.contains("status:\"pending\"") })
        let busy = try OccupiedPort()
        let (exitCode, output) = try await Self.serveUntilExit(bridge, ["--listen", "127.0.0.1:\(busy.port)", "--admin-listen", "off"])
        #expect(exitCode.map { $0 != 0 } == true)
        #expect(output.contains("gitops-bridge: cannot listen on 127.0.0.1:\(busy.port): address already in use"), "\(output)")
        #expect(!output.contains("worker started"), "\(output)")
        #expect(try Self.steps(in: bridge.databasePath) == before)
    }

    @Test func anAdminListenerOnABusyPortStopsServeNamingItsFlagBeforeItsWorkerTouchesAStep() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let before = try await Self.pendingSteps(bridge)
        let busy = try OccupiedPort()
        let (exitCode, output) = try await Self.serveUntilExit(
            bridge,
            [
                // Port 0: a port found free beforehand can be taken by a test running beside this one (a full run failed so).
                "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:\(busy.port)", "--admin-token",
                "ci=viewer:env:ADMIN_TOKEN",
            ], environment: TestBridge.environment.merging(["ADMIN_TOKEN": "admin-secret-value"]) { $1 })
        #expect(exitCode == 2)
        #expect(output.contains("gitops-bridge: cannot listen on 127.0.0.1:\(busy.port): address already in use"), "\(output)")
        #expect(output.contains("--admin-listen"), "\(output)")
        #expect(!output.contains("admin-secret-value"))
        #expect(!output.contains("worker started"), "\(output)")
        #expect(try Self.steps(in: bridge.databasePath) == before)
    }

    @Test(arguments: ["--admin-token=ci=viewer:literal-token-value", "--admin-listen=nowhere"])
    func badAdminFlagsStopServeBeforeItStarts(flag: String) async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let (exitCode, output) = try await Self.serveUntilExit(bridge, ["--listen", "127.0.0.1:0", flag])
        #expect(exitCode.map { $0 != 0 } == true)
        #expect(output.contains("--admin-"), "\(output)")
        #expect(!output.contains("literal-token-value"), "\(output)")
    }
}
