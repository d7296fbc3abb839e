import BridgeCore
import BridgeServer
import BridgeTestSupport
import Foundation
import HummingbirdTesting
import Testing

/// The whole bridge over loopback: a signed push from Gitea, Forgejo or Bitbucket Cloud in, the command run once, the
/// commit's statuses out, in order. `GiteaFake` and `BitbucketFake` stand in for the forges' status APIs
/// (shared/reference/forge-apis.md).
@Suite struct CommitStatusEndToEndTests {
    static let sha = "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f"

    @Test(arguments: [Forge.gitea, .forgejo])
    func aPushFromGiteaOrForgejoShowsPendingThenSuccessOnTheCommit(forge: Forge) async throws {
        try await withGiteaFake(GiteaFake(pathPrefix: "/git")) { gitea in
            let bridge = try StatusBridge(
                forge: forge, status: "  \(forge.rawValue): {url: \"\(gitea.baseURL)/\", token: env:FORGE_TOKEN}",
                rules: "  - {name: main, source: shop, on: push, branches: [main], environment: staging, deploy: [record]}",
                environment: ["FORGE_TOKEN": gitea.token], dashboardURL: "https://bridge.example.com")
            defer { bridge.remove() }
            let app = try await BridgeServerApp.make(configuration: bridge.configuration, resolver: bridge.resolver)
            try await app.test(.live) { client in
                #expect(try await bridge.push(port: try #require(client.port), sha: Self.sha) == 202)
                try await GitLabEndToEndTests.waitUntil { gitea.history(sha: Self.sha).count == 3 }
            }
            let history = gitea.history(sha: Self.sha)
            #expect(history.map(\.state) == ["pending", "pending", "success"])
            #expect(history.allSatisfy { $0.context == "gitops-bridge/main" && $0.repository == "acme/shop" })
            #expect(history.allSatisfy { $0.targetURL.hasPrefix("https://bridge.example.com/runs/") })
            #expect(history.map(\.description) == ["queued: main", "deploying: main", "deployed: main"])
            #expect(gitea.requests.allSatisfy { $0.path.hasPrefix("/git/api/v1/repos/acme/shop/statuses/\(Self.sha)") })
            #expect(bridge.ranLines() == ["refs/heads/main \(Self.sha)"])
        }
    }

    @Test func aFailedRunShowsFailureAndA5xxOnTheWayIsRetried() async throws {
        try await withGiteaFake(GiteaFake()) { gitea in
            gitea.inject(.serverError)
            gitea.inject(.tooManyRequests(retryAfter: "1"))
            let bridge = try StatusBridge(
                forge: .gitea, status: "  gitea: {url: \"\(gitea.baseURL)\", token: env:FORGE_TOKEN}",
                rules: "  - {name: broken, source: shop, on: push, deploy: [{target: record, run: [\"false\"]}]}",
                environment: ["FORGE_TOKEN": gitea.token])
            defer { bridge.remove() }
            let app = try await BridgeServerApp.make(configuration: bridge.configuration, resolver: bridge.resolver)
            try await app.test(.live) { client in
                #expect(try await bridge.push(port: try #require(client.port), sha: Self.sha) == 202)
                try await GitLabEndToEndTests.waitUntil { gitea.history(sha: Self.sha).last?.state == "failure" }
            }
            #expect(gitea.history(sha: Self.sha).map(\.state) == ["pending", "pending", "failure"])
            #expect(gitea.requests.map(\.responseStatus).prefix(2) == [500, 429])
        }
    }

    @Test func aPushFromBitbucketShowsABuildStatusKeyedByRuleAndEnvironment() async throws {
        try await withBitbucketFake(BitbucketFake()) { bitbucket in
            let bridge = try StatusBridge(
                forge: .bitbucket,
                status: "  bitbucket: {url: \"\(bitbucket.baseURL)\", username: \(bitbucket.username), app_password: env:BB_PASSWORD}",
                rules: "  - {name: main, source: shop, on: push, branches: [main], environment: staging, deploy: [record]}",
                environment: ["BB_PASSWORD": bitbucket.appPassword])
            defer { bridge.remove() }
            let app = try await BridgeServerApp.make(configuration: bridge.configuration, resolver: bridge.resolver)
            try await app.test(.live) { client in
                #expect(try await bridge.push(port: try #require(client.port), sha: Self.sha) == 202)
                try await GitLabEndToEndTests.waitUntil { bitbucket.status(sha: Self.sha, key: "gitops-bridge-main-staging")?.state == "SUCCESSFUL" }
            }
            #expect(bitbucket.history(sha: Self.sha).map(\.state) == ["INPROGRESS", "INPROGRESS", "SUCCESSFUL"])
            #expect(bitbucket.statuses(sha: Self.sha).count == 1)
            let status = try #require(bitbucket.status(sha: Self.sha, key: "gitops-bridge-main-staging"))
            // No dashboard URL and no environment URL: Bitbucket's required link is the commit's page.
            #expect(status.url == "https://bitbucket.org/acme/shop/commits/\(Self.sha)")
            #expect(bridge.ranLines().count == 1)
        }
    }
}
