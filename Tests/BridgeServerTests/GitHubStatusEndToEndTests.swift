import BridgeCore
import BridgeServer
import BridgeTestSupport
import Foundation
import HummingbirdTesting
import Testing

/// The whole bridge over loopback as a GitHub App: a signed GitHub push in, the command run once, a Deployment with its
/// statuses and a commit status out, in order. `GitHubFake` stands in for GitHub's REST API (apps, deployments,
/// statuses; shared/reference/forge-apis.md), verifying the App's JWT with its public key.
@Suite struct GitHubStatusEndToEndTests {
    static let sha = "7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b"

    /// A bridge reporting to `github` as its App, with the App's private key in a file of the temporary directory (the
    /// caller removes it); `deploy` is the rule's steps.
    static func bridge(_ github: GitHubFake, deploy: String = "[record]") throws -> (bridge: StatusBridge, key: String) {
        let key = try GitHubTestKey.shared.writePrivateKey(in: FileManager.default.temporaryDirectory.path)
        let bridge = try StatusBridge(
            forge: .github,
            status: "  github: {url: \"\(github.baseURL)\", app_id: \"\(github.appID)\", private_key: \"file:\(key)\"}",
            rules: """
                  - name: main
                    source: shop
                    on: push
                    branches: [main]
                    environment: staging
                    environment_url: "https://${branch}.staging.example.com"
                    report: both
                    deploy: \(deploy)
                """,
            environment: [:], dashboardURL: "https://bridge.example.com")
        return (bridge, key)
    }

    static func fake() -> GitHubFake {
        GitHubFake(appPublicKeyPEM: GitHubTestKey.shared.publicKeyPEM, personalTokens: [])
    }

    @Test func aPushShowsADeploymentQueuedInProgressThenSuccessAndAGreenCommit() async throws {
        try await withGitHubFake(Self.fake()) { github in
            let (bridge, key) = try Self.bridge(github)
            defer {
                bridge.remove()
                try? FileManager.default.removeItem(atPath: key)
            }
            let app = try await BridgeServerApp.make(configuration: bridge.configuration, resolver: bridge.resolver)
            try await app.test(.live) { client in
                #expect(try await bridge.push(port: try #require(client.port), sha: Self.sha) == 202)
                try await GitLabEndToEndTests.waitUntil {
                    github.deployments.first?.state == "success" && github.commitStatuses(sha: Self.sha).count == 3
                }
            }
            #expect(github.deployments.count == 1)
            let deployment = try #require(github.deployments.first)
            #expect(deployment.states == ["queued", "in_progress", "success"])
            #expect(deployment.sha == Self.sha && deployment.ref == Self.sha && deployment.environment == "staging")
            #expect(deployment.statuses.allSatisfy { $0.environmentURL == "https://main.staging.example.com" })
            #expect(deployment.statuses.allSatisfy { $0.logURL.hasPrefix("https://bridge.example.com/runs/") })
            let statuses = github.commitStatuses(sha: Self.sha)
            #expect(statuses.map(\.state) == ["pending", "pending", "success"])
            #expect(statuses.allSatisfy { $0.context == "gitops-bridge/main" })
            // One installation token served every call.
            #expect(github.issuedTokens.count == 1)
            #expect(bridge.ranLines() == ["refs/heads/main \(Self.sha)"])
        }
    }

    @Test func anInstallationTokenExpiringMidRunIsRenewedWithoutAFailure() async throws {
        try await withGitHubFake(Self.fake()) { github in
            let gate = FileManager.default.temporaryDirectory.appendingPathComponent("gate-\(UUID().uuidString)").path
            let wait = "[{target: record, run: [sh, -c, \"while [ ! -f \(gate) ]; do sleep 0.05; done\"]}]"
            let (bridge, key) = try Self.bridge(github, deploy: wait)
            defer {
                bridge.remove()
                try? FileManager.default.removeItem(atPath: key)
                try? FileManager.default.removeItem(atPath: gate)
            }
            let app = try await BridgeServerApp.make(configuration: bridge.configuration, resolver: bridge.resolver)
            try await app.test(.live) { client in
                #expect(try await bridge.push(port: try #require(client.port), sha: Self.sha) == 202)
                try await GitLabEndToEndTests.waitUntil {
                    github.deployments.first?.state == "in_progress" && github.commitStatuses(sha: Self.sha).count == 2
                }
                github.expireTokens()
                _ = FileManager.default.createFile(atPath: gate, contents: Data())
                try await GitLabEndToEndTests.waitUntil {
                    github.deployments.first?.state == "success" && github.commitStatuses(sha: Self.sha).count == 3
                }
            }
            #expect(github.deployments.map(\.states) == [["queued", "in_progress", "success"]])
            #expect(github.commitStatuses(sha: Self.sha).map(\.state) == ["pending", "pending", "success"])
            #expect(github.issuedTokens.count == 2)
            // The expired token was refused once, then the renewed one was used: no status was lost or failed.
            #expect(github.requests.filter { $0.responseStatus == 401 }.count == 1)
        }
    }
}
