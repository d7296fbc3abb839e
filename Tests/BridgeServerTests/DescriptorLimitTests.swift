import BridgeServer
import BridgeTestSupport
import Foundation
import Synchronization
import Testing

/// Connections never get the last descriptors: the bound keeps a reserve under the open-file limit.
@Suite struct DescriptorLimitTests {
    @Test func theBoundKeepsAReserveUnderTheLimit() {
        #expect(DescriptorLimit.connectionBound(requested: nil, limit: 1024) == (768, false))
        #expect(DescriptorLimit.connectionBound(requested: nil, limit: 524_288) == (4096, false))
        #expect(DescriptorLimit.connectionBound(requested: nil, limit: 256) == (128, false))
        #expect(DescriptorLimit.connectionBound(requested: 100, limit: 1024) == (100, false))
        #expect(DescriptorLimit.connectionBound(requested: 10_000, limit: 1024) == (768, true))
        #expect(DescriptorLimit.connectionBound(requested: nil, limit: 1) == (1, false))
    }

    /// The built binary under an open-file limit of 256 (which it cannot raise), flooded with 400 connections that
    /// then send requests as fast as they are answered. Before the bound, the descriptors ran out and libdispatch
    /// trapped (signal 4) when it could not open `/proc/<tid>/stat`.
    @Test func aFloodOfConnectionsNeitherCrashesTheBridgeNorKeepsItFromRecovering() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let port = try OccupiedPort.free()
        let log = bridge.directory.appendingPathComponent("serve.log").path
        let serve = try BridgeBinary.start(
            ["serve", "--rules", bridge.rulesPath, "--database", bridge.databasePath, "--listen", "127.0.0.1:\(port)", "--admin-listen", "off"],
            environment: TestBridge.environment, log: log, descriptorLimit: 256)
        // Killed at once when the test ends: a task started in a defer may never run once the test process exits.
        defer { kill(serve.pid, SIGKILL) }
        try await BridgeBinary.waitUntilServing(port: port, process: serve)

        let flood = try await RawConnection.run { Self.connect(400, port: port) }
        await Self.hammer(flood, port: port, for: .seconds(10))
        let survived = serve.isRunning
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(survived, "the bridge died (wait status \(serve.status ?? 0)):\n\(output.suffix(2000))")
        guard survived else { return }
        flood.open.withLock { $0.removeAll() }

        // Descriptors free again: a delivery is recorded as usual.
        let body = Deliveries.githubPush()
        let headers = Deliveries.githubHeaders(body: body, delivery: "after-the-flood")
        var status = 0
        for _ in 0..<50 where status != 202 {
            status = (try? await LiveHTTPTests().send(port: port, path: "/hooks/shop-github", headers: headers, body: body).status) ?? 0
            if status != 202 { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(status == 202)
        await serve.terminate()
        #expect(serve.exitCode == 0)
    }

    /// Connections shared by the threads that use them.
    final class Flood: Sendable {
        let open = Mutex<[RawConnection]>([])
    }

    /// Opens `count` connections (those the kernel's backlog refuses, or that time out, are skipped).
    static func connect(_ count: Int, port: Int) -> Flood {
        let flood = Flood()
        for _ in 0..<count {
            if let connection = try? RawConnection(port: port, timeout: .seconds(2)) { flood.open.withLock { $0.append(connection) } }
        }
        return flood
    }

    /// Sends `GET /healthz` over and over on 32 of the connections (reconnecting when one is closed) for `duration`.
    static func hammer(_ flood: Flood, port: Int, for duration: Duration) async {
        let deadline = ContinuousClock.now + duration
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    _ = try? await RawConnection.run {
                        // The first connections: those a bridge without a bound accepted before its descriptors ran out.
                        var connection = flood.open.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                        while ContinuousClock.now < deadline {
                            do {
                                let current = try connection ?? RawConnection(port: port, timeout: .seconds(2))
                                connection = current
                                try current.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                                _ = try current.receiveResponse()
                            } catch {
                                connection = nil
                                Thread.sleep(forTimeInterval: 0.05)
                            }
                        }
                    }
                }
            }
        }
    }
}
