import AsyncHTTPClient
import BridgeCore
import BridgeServer
import BridgeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// The whole bridge over loopback: a signed GitLab push in, the command run once, GitLab's deployment status out.
/// `GitLabFake` stands in for GitLab's Deployments API (shared/reference/providers.md §7).
@Suite struct GitLabEndToEndTests {
    static let hookToken = "gl-hook-token"

    struct Bridge {
        let directory: URL
        let configuration: ServeConfiguration
        let resolver: ProcessSecretResolver
        var ranFile: URL { directory.appendingPathComponent("ran.log") }

        init(gitlab: GitLabFake) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-gitlab-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let ran = directory.appendingPathComponent("ran.log").path
            let rules = """
                version: 1
                sources:
                  shop-gitlab: {forge: gitlab, token: env:HOOK_TOKEN}
                status:
                  gitlab: {url: "\(gitlab.baseURL)", token: env:GITLAB_API_TOKEN}
                targets:
                  record: {provider: command, run: ["sh", "-c", "echo \\"$1 $2 $3\\" >> \(ran)", "record", "${ref}", "${sha}", "${environment}"]}
                rules:
                  - {name: release, source: shop-gitlab, on: tag, tags: ["v*"], environment: production, deploy: [record]}
                  - {name: main, source: shop-gitlab, on: push, branches: [main], environment: staging, deploy: [record]}
                """
            let rulesPath = directory.appendingPathComponent("rules.yaml").path
            try rules.write(toFile: rulesPath, atomically: true, encoding: .utf8)
            var worker = WorkerHarness.configuration()
            worker.statusRetry = RetryPolicy(maximumAttempts: 5, initialDelay: .milliseconds(50), maximumDelay: .seconds(2))
            configuration = ServeConfiguration(
                rulesPath: rulesPath, databasePath: directory.appendingPathComponent("bridge.sqlite").path, host: "127.0.0.1", port: 0,
                logLevel: .critical, worker: worker)
            resolver = ProcessSecretResolver(environment: [
                "HOOK_TOKEN": GitLabEndToEndTests.hookToken, "GITLAB_API_TOKEN": gitlab.token, "PATH": "/usr/bin:/bin",
            ])
        }

        func ranLines() -> [String] {
            ((try? String(contentsOf: ranFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        func remove() {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    static func push(port: Int, tag: String?, sha: String, source: String = "shop-gitlab") async throws -> Int {
        let body = SamplePayload(forge: .gitlab, refKind: tag == nil ? .branch : .tag, refName: tag ?? "main", sha: sha).json()
        let credentials = try SourceCredentials(tokens: [Secret(bytes: Array(Self.hookToken.utf8), reference: .environment("HOOK_TOKEN"))])
        let headers = WebhookSigner.headers(
            forge: .gitlab, body: body, kind: tag == nil ? .branch : .tag, credentials: credentials, deliveryID: UUID().uuidString,
            now: Date())
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/hooks/\(source)")
        request.method = .POST
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code)
    }

    static func waitUntil(_ timeout: Duration = .seconds(15), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw HarnessError("condition not reached within \(timeout)") }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    @Test func aTagPushDeploysOnceAndGitLabShowsRunningThenSuccess() async throws {
        try await withGitLabFake { gitlab in
            let bridge = try Bridge(gitlab: gitlab)
            defer { bridge.remove() }
            let sha = "9f3c2a1b8d4e5f60718293a4b5c6d7e8f90a1b2c"
            let app = try await BridgeServerApp.make(configuration: bridge.configuration, resolver: bridge.resolver)
            try await app.test(.live) { client in
                let port = try #require(client.port)
                #expect(try await Self.push(port: port, tag: "v1.2.0", sha: sha) == 202)
                try await Self.waitUntil { gitlab.deployments.first?.statusHistory.count == 2 }
            }
            let deployment = try #require(gitlab.deployments.first)
            #expect(gitlab.deployments.count == 1)
            #expect(deployment.statusHistory == [.running, .success])
            #expect(deployment.environment == "production" && deployment.sha == sha && deployment.ref == "v1.2.0" && deployment.tag)
            #expect(bridge.ranLines() == ["refs/tags/v1.2.0 \(sha) production"])
            #expect(gitlab.illegalTransitions.isEmpty)
        }
    }

    @Test func statusUpdatesRideOutRateLimitsWithoutIllegalTransitions() async throws {
        try await withGitLabFake { gitlab in
            let bridge = try Bridge(gitlab: gitlab)
            defer { bridge.remove() }
            gitlab.inject(.tooManyRequests(retryAfter: "1"))
            gitlab.inject(.serverError)
            let app = try await BridgeServerApp.make(configuration: bridge.configuration, resolver: bridge.resolver)
            try await app.test(.live) { client in
                let port = try #require(client.port)
                #expect(try await Self.push(port: port, tag: nil, sha: String(repeating: "b", count: 40)) == 202)
                try await Self.waitUntil { gitlab.deployments.first?.statusHistory.count == 2 }
            }
            #expect(gitlab.deployments.map(\.statusHistory) == [[.running, .success]])
            #expect(gitlab.deployments.first?.environment == "staging" && gitlab.deployments.first?.tag == false)
            #expect(gitlab.requests.map(\.responseStatus).prefix(2) == [429, 500])
            #expect(gitlab.illegalTransitions.isEmpty)
            #expect(bridge.ranLines().count == 1)
        }
    }
}
