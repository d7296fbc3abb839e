import AsyncHTTPClient
import BridgeCore
import BridgeServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// The admin listener as `serve` runs it: a second listener beside the webhook one, over loopback.
@Suite struct AdminListenerTests {
    /// The port the admin listener bound, once it has.
    actor BoundPort {
        var port: Int?
        func set(_ port: Int) { self.port = port }
        func wait() async throws -> Int {
            for _ in 0..<500 {
                if let port { return port }
                try await Task.sleep(for: .milliseconds(10))
            }
            throw StartupError("the admin listener never started")
        }
    }

    /// `serve`'s configuration for `bridge`'s rules, a database of its own, both listeners on free ports.
    static func configuration(_ bridge: TestBridge, admin: AdminConfiguration?) -> ServeConfiguration {
        ServeConfiguration(
            rulesPath: bridge.rulesPath, databasePath: bridge.directory.appendingPathComponent("live.sqlite").path, port: 0,
            logLevel: .critical, environment: [:], admin: admin)
    }

    func send(port: Int, path: String, method: HTTPMethod = .GET, token: String? = nil, body: [UInt8]? = nil, headers: [(String, String)] = [])
        async throws -> (status: Int, body: String)
    {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    @Test func theAPIAnswersOnTheAdminListenerOnlyOverLoopback() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let adminPort = BoundPort()
        let configuration = Self.configuration(bridge, admin: AdminConfiguration(port: 0, tokens: AdminAPITests.tokens))
        let resolver = ProcessSecretResolver(environment: TestBridge.environment.merging(AdminAPITests.environment) { $1 })
        let app = try await BridgeServerApp.make(configuration: configuration, resolver: resolver, onAdminRunning: { await adminPort.set($0) })
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let admin = try await adminPort.wait()
            #expect(admin != port)
            let body = Deliveries.githubPush()
            let headers = Deliveries.githubHeaders(body: body, delivery: "live-admin")
            #expect(try await send(port: port, path: "/hooks/shop-github", method: .POST, body: body, headers: headers).status == 202)

            let runs = try await send(port: admin, path: "/api/v1/runs", token: AdminAPITests.viewerToken)
            #expect(runs.status == 200)
            let page = try JSONSerialization.jsonObject(with: Data(runs.body.utf8)) as? [String: Any]
            #expect((page?["items"] as? [[String: Any]])?.count == 2)
            #expect(try await send(port: admin, path: "/api/v1/runs").status == 401)
            #expect(try await send(port: admin, path: "/healthz").status == 200)
            // Neither listener serves the other's routes.
            for path in ["/api/v1/runs", "/api/v1/deliveries", "/api/v1/runs/1"] {
                #expect(try await send(port: port, path: path, token: AdminAPITests.operatorToken).status == 404)
            }
            #expect(try await send(port: port, path: "/api/v1/runs/1/cancel", method: .POST, token: AdminAPITests.operatorToken).status == 404)
            #expect(try await send(port: admin, path: "/hooks/shop-github", method: .POST, body: body, headers: headers).status == 404)
            #expect(try await send(port: admin, path: "/metrics").status == 404)
        }
    }

    @Test func withoutAnAdminConfigurationNoSecondListenerStarts() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let adminPort = BoundPort()
        let configuration = Self.configuration(bridge, admin: nil)
        let app = try await BridgeServerApp.make(
            configuration: configuration, resolver: ProcessSecretResolver(environment: TestBridge.environment),
            onAdminRunning: { await adminPort.set($0) })
        try await app.test(.live) { client in
            let port = try #require(client.port)
            #expect(try await send(port: port, path: "/healthz").status == 200)
            #expect(await adminPort.port == nil)
        }
    }

    @Test func anUnresolvableTokenStopsTheStartNamingTheTokenOnly() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let tokens = [AdminTokenSetting(name: "ci", role: .viewer, reference: .environment("MISSING_ADMIN_TOKEN"))]
        let configuration = Self.configuration(bridge, admin: AdminConfiguration(port: 0, tokens: tokens))
        do {
            _ = try await BridgeServerApp.make(configuration: configuration, resolver: ProcessSecretResolver(environment: TestBridge.environment))
            Issue.record("make succeeded with an unresolvable admin token")
        } catch {
            #expect(error.description.contains("admin token 'ci'"), "\(error)")
            #expect(error.description.contains("MISSING_ADMIN_TOKEN"), "\(error)")
        }
    }

    @Test(arguments: [
        ("ci=viewer:env:CI_TOKEN", "ci", AdminRole.viewer, SecretReference.environment("CI_TOKEN")),
        ("on-call.1=operator:file:/run/secrets/admin", "on-call.1", AdminRole.operator, SecretReference.file("/run/secrets/admin")),
    ])
    func tokenSettingsParse(text: String, name: String, role: AdminRole, reference: SecretReference) throws {
        let setting = try AdminTokenSetting(parsing: text)
        #expect(setting == AdminTokenSetting(name: name, role: role, reference: reference))
        #expect(setting.description == text)
    }

    @Test(arguments: ["ci", "=viewer:env:X", "ci=admin:env:X", "ci=viewer:s3cr3t-literal", "ci=viewer", "c i=viewer:env:X"])
    func badTokenSettingsAreRefusedWithoutEchoingAValue(text: String) {
        do {
            _ = try AdminTokenSetting(parsing: text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.hasPrefix("--admin-token must be NAME=ROLE:REF"))
            #expect(!error.description.contains("s3cr3t"))
        }
    }
}
