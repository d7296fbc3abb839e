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

    @Test func aSecondServeOnABusyPortExitsBeforeItsWorkerTouchesAStep() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        try await bridge.application().test(.router) { client in
            let body = Deliveries.githubPush()
            let answer = try await WebhookRouteTests().post(client, body: body, headers: Deliveries.githubHeaders(body: body, delivery: "q"))
            #expect(answer.status == 202)
        }
        let before = try Self.steps(in: bridge.databasePath)
        #expect(before.count == 2 && before.allSatisfy { $0.contains("status:\"pending\"") })
        let busy = try OccupiedPort()
        let log = bridge.directory.appendingPathComponent("serve.log").path

        let serve = try BridgeBinary.start(
            ["serve", "--rules", bridge.rulesPath, "--database", bridge.databasePath, "--listen", "127.0.0.1:\(busy.port)", "--admin-listen", "off"],
            environment: TestBridge.environment, log: log)
        let exited = await serve.waitForExit(timeout: .seconds(60))
        if !exited { await serve.terminate() }

        #expect(exited)
        #expect(serve.exitCode.map { $0 != 0 } == true)
        let output = try String(contentsOfFile: log, encoding: .utf8)
        #expect(output.contains("gitops-bridge: cannot listen on 127.0.0.1:\(busy.port): address already in use"), "\(output)")
        #expect(!output.contains("worker started"), "\(output)")
        #expect(try Self.steps(in: bridge.databasePath) == before)
    }

    @Test func anAdminListenerOnABusyPortStopsServeNamingItsFlag() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let busy = try OccupiedPort()
        let log = bridge.directory.appendingPathComponent("serve.log").path
        let serve = try BridgeBinary.start(
            [
                "serve", "--rules", bridge.rulesPath, "--database", bridge.databasePath, "--listen", "127.0.0.1:\(try OccupiedPort.free())",
                "--admin-listen", "127.0.0.1:\(busy.port)", "--admin-token", "ci=viewer:env:ADMIN_TOKEN",
            ],
            environment: TestBridge.environment.merging(["ADMIN_TOKEN": "admin-secret-value"]) { $1 }, log: log)
        let exited = await serve.waitForExit(timeout: .seconds(60))
        if !exited { await serve.terminate() }
        #expect(exited)
        #expect(serve.exitCode == 2)
        let output = try String(contentsOfFile: log, encoding: .utf8)
        #expect(output.contains("gitops-bridge: cannot listen on 127.0.0.1:\(busy.port): address already in use"), "\(output)")
        #expect(output.contains("--admin-listen"), "\(output)")
        #expect(!output.contains("admin-secret-value"))
    }

    @Test(arguments: ["--admin-token=ci=viewer:literal-token-value", "--admin-listen=nowhere"])
    func badAdminFlagsStopServeBeforeItStarts(flag: String) async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let log = bridge.directory.appendingPathComponent("serve.log").path
        let serve = try BridgeBinary.start(
            ["serve", "--rules", bridge.rulesPath, "--database", bridge.databasePath, "--listen", "127.0.0.1:0", flag],
            environment: TestBridge.environment, log: log)
        let exited = await serve.waitForExit(timeout: .seconds(60))
        if !exited { await serve.terminate() }
        #expect(exited)
        #expect(serve.exitCode.map { $0 != 0 } == true)
        let output = try String(contentsOfFile: log, encoding: .utf8)
        #expect(output.contains("--admin-"), "\(output)")
        #expect(!output.contains("literal-token-value"), "\(output)")
    }
}
