import BridgeCore
import BridgeServer
import BridgeStore
import BridgeTestSupport
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A bridge whose source `shop` recovers missed deliveries from a fake forge's hook log, for the recovery suites: its
/// rules, database and command step's record file live in a temporary directory; it runs on a fixed port (the hook's
/// URL must name it before the bridge is up) with `run(_:)`.
struct RecoveryBridge {
    static let hookSecret = "recovery-e2e-hook-secret"

    let directory: URL
    let port: Int
    let forge: Forge
    let resolver: ProcessSecretResolver
    var rulesPath: String { directory.appendingPathComponent("rules.yaml").path }
    var databasePath: String { directory.appendingPathComponent("bridge.sqlite").path }
    var publicURL: String { "http://127.0.0.1:\(port)" }
    var hookURL: String { "\(publicURL)/hooks/shop" }

    /// `status` is the `status:` block's one line (indented two spaces); `recover` the source's `recover:` value.
    init(forge: Forge, port: Int, status: String, recover: String) throws {
        self.forge = forge
        self.port = port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-recovery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.status = status
        resolver = ProcessSecretResolver(environment: ["HOOK_SECRET": Self.hookSecret, "PATH": "/usr/bin:/bin", "FORGE_TOKEN": "unused"])
        try writeRules(recover: recover)
    }

    /// The `status:` block's line.
    let status: String

    /// Writes the rules with `recover` as the source's `recover:` value (again: a change a watching bridge reloads).
    func writeRules(recover: String) throws {
        let ran = directory.appendingPathComponent("ran.log").path
        let verification = forge == .github ? "secret: env:HOOK_SECRET" : "token: env:HOOK_SECRET"
        let text = """
            version: 1
            sources:
              shop: {forge: \(forge.rawValue), \(verification), recover: \(recover)}
            status:
            \(status)
            targets:
              record: {provider: command, run: ["sh", "-c", "echo \\"$1\\" >> \(ran)", "record", "${sha}"]}
            rules:
              - {name: main, source: shop, on: push, branches: [main], report: none, deploy: [record]}
            """
        try text.write(toFile: directory.appendingPathComponent("rules.yaml").path, atomically: true, encoding: .utf8)
    }

    /// `serve`'s configuration, the rules watched every 50 ms.
    func configuration(recovery: RecoveryConfiguration, intake: IntakeLimits = IntakeLimits()) -> ServeConfiguration {
        var configuration = ServeConfiguration(
            rulesPath: rulesPath, databasePath: databasePath, host: "127.0.0.1", port: port, logLevel: .critical,
            worker: WorkerHarness.configuration(), publicURL: publicURL, recovery: recovery)
        configuration.rulesWatchInterval = .milliseconds(50)
        configuration.intake = intake
        return configuration
    }

    /// The shas the command step ran for, in order.
    func ranLines() -> [String] {
        ((try? String(contentsOf: directory.appendingPathComponent("ran.log"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// How many runs have succeeded, as the database says.
    func succeededRuns() async -> Int {
        guard let store = try? SQLiteDeliveryStore.openReadOnly(path: databasePath) else { return 0 }
        return (try? await store.runs(limit: 100, status: "succeeded").count) ?? 0
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A push of `sha` to main, as the forge's hook would send it.
    func push(sha: String) -> [UInt8] {
        SamplePayload(forge: forge, refName: "main", sha: sha).json()
    }

    /// Runs the bridge (`serve`'s application) until `body` returns, then shuts it down.
    func run<T: Sendable>(
        recovery: RecoveryConfiguration, resolver: ProcessSecretResolver? = nil, intake: IntakeLimits = IntakeLimits(),
        _ body: @Sendable () async throws -> T
    ) async throws -> T {
        let running = AsyncStream.makeStream(of: Int.self)
        let app = try await BridgeServerApp.make(
            configuration: configuration(recovery: recovery, intake: intake), resolver: resolver ?? self.resolver,
            onServerRunning: { port in running.continuation.yield(port) })
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { task.cancel() }
        var iterator = running.stream.makeAsyncIterator()
        _ = await iterator.next()
        let result = try await body()
        task.cancel()
        _ = try? await task.value
        return result
    }
}
