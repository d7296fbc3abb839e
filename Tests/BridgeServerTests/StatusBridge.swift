import AsyncHTTPClient
import BridgeCore
import BridgeServer
import BridgeTestSupport
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A bridge configured for one forge's status reporting, for end-to-end tests: a source `shop` of `forge` signed with
/// an HMAC secret, a `status:` block (the caller's, pointing at a loopback fake), and rules whose one command step
/// records each run it executes.
struct StatusBridge {
    static let hookSecret = "status-e2e-hook-secret"

    let directory: URL
    let configuration: ServeConfiguration
    let resolver: ProcessSecretResolver
    let forge: Forge
    var ranFile: URL { directory.appendingPathComponent("ran.log") }

    /// `status` is the block's YAML under `status:` (indented two spaces); `rules` the rule entries (each starting
    /// `  - `), which may deploy the target `record`; `environment` adds the variables the block's references name.
    init(forge: Forge, status: String, rules: String, environment: [String: String], dashboardURL: String? = nil) throws {
        self.forge = forge
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-status-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ran = directory.appendingPathComponent("ran.log").path
        let text = """
            version: 1
            sources:
              shop: {forge: \(forge.rawValue), secret: env:HOOK_SECRET}
            status:
            \(status)
            targets:
              record: {provider: command, run: ["sh", "-c", "echo \\"$1 $2\\" >> \(ran)", "record", "${ref}", "${sha}"]}
            rules:
            \(rules)
            """
        let rulesPath = directory.appendingPathComponent("rules.yaml").path
        try text.write(toFile: rulesPath, atomically: true, encoding: .utf8)
        var worker = WorkerHarness.configuration()
        worker.statusRetry = RetryPolicy(maximumAttempts: 5, initialDelay: .milliseconds(50), maximumDelay: .seconds(2))
        worker.dashboardURL = dashboardURL
        configuration = ServeConfiguration(
            rulesPath: rulesPath, databasePath: directory.appendingPathComponent("bridge.sqlite").path, host: "127.0.0.1", port: 0,
            logLevel: .critical, worker: worker)
        resolver = ProcessSecretResolver(
            environment: environment.merging(["HOOK_SECRET": Self.hookSecret, "PATH": "/usr/bin:/bin"]) { first, _ in first })
    }

    func ranLines() -> [String] {
        ((try? String(contentsOf: ranFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Posts a push of `sha` to `branch`, signed as the forge signs it; returns the HTTP status.
    func push(port: Int, branch: String = "main", sha: String) async throws -> Int {
        let body = SamplePayload(forge: forge, refName: branch, sha: sha).json()
        let credentials = try SourceCredentials(secrets: [Secret(bytes: Array(Self.hookSecret.utf8), reference: .environment("HOOK_SECRET"))])
        let headers = WebhookSigner.headers(
            forge: forge, body: body, kind: .branch, credentials: credentials, deliveryID: UUID().uuidString, now: Date())
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/hooks/shop")
        request.method = .POST
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code)
    }
}
