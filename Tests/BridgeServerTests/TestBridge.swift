import BridgeCore
import BridgeServer
import BridgeStore
import Foundation
import Hummingbird
import Logging

/// A bridge assembled for tests: a rules file written to a temporary directory, a real SQLite file, and the router.
struct TestBridge {
    static let githubSecret = "gh-test-secret"
    static let gitlabToken = "gl-test-token"
    static let giteaSecret = "gitea-test-secret"
    static let environment = ["GH_SECRET": githubSecret, "GL_TOKEN": gitlabToken, "GITEA_SECRET": giteaSecret]

    static let rulesYAML = """
        version: 1
        sources:
          shop-github:
            forge: github
            secret: env:GH_SECRET
          shop-gitlab:
            forge: gitlab
            token: env:GL_TOKEN
          shop-gitea:
            forge: gitea
            secret: env:GITEA_SECRET
        targets:
          smoke:
            provider: command
            run: ["echo", "deploy ${repository}@${sha}"]
        rules:
          - name: main-to-staging
            source: shop-github
            on: push
            branches: [main]
            environment: staging
            deploy:
              - target: smoke
          - name: api-changes
            source: shop-github
            on: push
            branches: [main]
            paths: ["api/**"]
            deploy:
              - target: smoke
          - name: gitlab-main
            source: shop-gitlab
            on: push
            branches: [main]
            environment: staging
            deploy:
              - target: smoke
          - name: gitea-main
            source: shop-gitea
            on: push
            branches: [main]
            deploy:
              - target: smoke
        """

    let directory: URL
    let rulesPath: String
    let databasePath: String
    let store: any DeliveryStore
    let sqlite: SQLiteDeliveryStore
    let rules: RuleSet
    let metrics = BridgeMetrics()
    let router: Router<WebhookRequestContext>

    init(maxBodySize: Int = BridgeRouter.defaultMaxBodySize, store override: (any DeliveryStore)? = nil, gate: IntakeGate = IntakeGate()) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        rulesPath = directory.appendingPathComponent("rules.yaml").path
        databasePath = directory.appendingPathComponent("bridge.sqlite").path
        try Self.rulesYAML.write(toFile: rulesPath, atomically: true, encoding: .utf8)
        rules = try RulesLoader.load(path: rulesPath)
        let sources = try SourceRegistry(rules: rules, resolver: ProcessSecretResolver(environment: Self.environment))
        sqlite = try SQLiteDeliveryStore(path: databasePath)
        store = override ?? sqlite
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let intake = WebhookIntake(rules: rules, sources: sources, store: store, now: { Date() }, logger: logger)
        router = BridgeRouter(intake: intake, store: store, metrics: metrics, maxBodySize: maxBodySize, gate: gate).build()
    }

    /// The router behind the bridge's own HTTP server (its connection guard and limits).
    func application(limits: HTTPLimits = HTTPLimits(maxConnections: 256)) -> some ApplicationProtocol {
        Application(
            router: router, server: BridgeServerApp.server(limits: limits, metrics: metrics),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    func removeFiles() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Builds signed deliveries the way each forge does, independently of the bridge's own signer.
enum Deliveries {
    static func githubPush(branch: String = "main", sha: String = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3", paths: [String] = ["api/x.go"])
        -> [UInt8]
    {
        SamplePayload(forge: .github, repository: "acme/shop", refName: branch, sha: sha, paths: paths).json()
    }

    static func githubHeaders(body: [UInt8], delivery: String, secret: String = TestBridge.githubSecret, event: String = "push")
        -> [(String, String)]
    {
        let signature = "sha256=" + Hex.encode(Digest.hmac(.sha256, key: Array(secret.utf8), message: body))
        return [
            ("Content-Type", "application/json"), ("X-GitHub-Event", event), ("X-GitHub-Delivery", delivery),
            ("X-Hub-Signature-256", signature), ("User-Agent", "GitHub-Hookshot/test"),
        ]
    }
}
