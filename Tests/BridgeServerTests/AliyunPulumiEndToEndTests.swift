import BridgeCore
import BridgeServer
import BridgeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The whole bridge over loopback with the last two providers: a signed GitLab tag push runs a Pulumi deployment and
/// an Alibaba Cloud API Gateway `DeployApi`, and GitLab's deployment status follows the run. `PulumiFake`,
/// `AliyunFake` and `GitLabFake` stand in for Pulumi Cloud, Alibaba Cloud API Gateway and GitLab's Deployments API,
/// following providers.md §5, §6 and §7.
@Suite struct AliyunPulumiEndToEndTests {
    static let sha = "5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a99887766"
    static let groupID = "63be0d3b4e5f4c0e9b1f2a3c4d5e6f70"
    static let apiID = "d6f6a0b1c2d34e5f8a9b0c1d2e3f4a5b"

    struct Fakes {
        let gitlab: GitLabFake
        let pulumi: PulumiFake
        let aliyun: AliyunFake
    }

    /// Runs `body` with the three fakes serving.
    static func withFakes(_ body: (Fakes) async throws -> Void) async throws {
        try await withGitLabFake { gitlab in
            try await withPulumiFake(PulumiFake(stacks: ["acme/shop/prod"])) { pulumi in
                try await withAliyunFake(AliyunFake(apis: [AliyunFake.API(groupID: groupID, apiID: apiID)])) { aliyun in
                    try await body(Fakes(gitlab: gitlab, pulumi: pulumi, aliyun: aliyun))
                }
            }
        }
    }

    /// Runs the bridge on these rules, pushes tag `v3.1.0`, and waits until GitLab has seen `statuses` updates.
    static func pushTag(_ fakes: Fakes, statuses: Int) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-aliyun-pulumi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let rules = """
            version: 1
            sources:
              shop-gitlab: {forge: gitlab, token: env:HOOK_TOKEN}
            status:
              gitlab: {url: "\(fakes.gitlab.baseURL)", token: env:GITLAB_API_TOKEN}
            targets:
              prod-stack:
                provider: pulumi
                api_url: \(fakes.pulumi.baseURL)
                organization: acme
                project: shop
                stack: prod
                token: env:PULUMI_ACCESS_TOKEN
                operation_context:
                  environment_variables: {RELEASE: "${tag}"}
              cn-gateway:
                provider: aliyun-apigateway
                region: cn-hangzhou
                endpoint: \(fakes.aliyun.endpoint)
                group_id: \(groupID)
                api_id: \(apiID)
                stage: RELEASE
                description: "release ${tag} (${short_sha})"
            rules:
              - name: release
                source: shop-gitlab
                on: tag
                tags: ["v*"]
                environment: production
                deploy: [prod-stack, cn-gateway]
            """
        let rulesPath = directory.appendingPathComponent("rules.yaml").path
        try rules.write(toFile: rulesPath, atomically: true, encoding: .utf8)
        let configuration = ServeConfiguration(
            rulesPath: rulesPath, databasePath: directory.appendingPathComponent("bridge.sqlite").path, host: "127.0.0.1", port: 0,
            logLevel: .critical, worker: WorkerHarness.configuration(),
            environment: [
                "ALIBABA_CLOUD_ACCESS_KEY_ID": fakes.aliyun.credentials.accessKeyID,
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET": fakes.aliyun.credentials.accessKeySecret,
            ])
        let resolver = ProcessSecretResolver(environment: [
            "HOOK_TOKEN": GitLabEndToEndTests.hookToken, "GITLAB_API_TOKEN": fakes.gitlab.token,
            "PULUMI_ACCESS_TOKEN": fakes.pulumi.token,
        ])
        let app = try await BridgeServerApp.make(configuration: configuration, resolver: resolver)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            #expect(try await GitLabEndToEndTests.push(port: port, tag: "v3.1.0", sha: sha) == 202)
            try await GitLabEndToEndTests.waitUntil(.seconds(30)) { fakes.gitlab.deployments.first?.statusHistory.count == statuses }
        }
    }

    @Test func aTagPushDeploysThePulumiStackThenTheGatewayAndGitLabShowsSuccess() async throws {
        try await Self.withFakes { fakes in
            try await Self.pushTag(fakes, statuses: 2)
            #expect(fakes.gitlab.deployments.map(\.statusHistory) == [[.running, .success]])
            #expect(fakes.gitlab.deployments.first?.environment == "production" && fakes.gitlab.deployments.first?.ref == "v3.1.0")

            let stack = try #require(fakes.pulumi.deployments.first)
            #expect(fakes.pulumi.deployments.count == 1 && stack.stack == "acme/shop/prod" && stack.operation == "update")
            #expect(stack.request["sourceContext"]?["git"]?["commit"] == .string(Self.sha))
            let variables = fakes.pulumi.receivedSecrets(deploymentID: stack.id).values
            #expect(variables.map(\.value) == ["v3.1.0"] && variables.allSatisfy { !$0.markedSecret })
            #expect(stack.status == .succeeded)

            let gateway = try #require(fakes.aliyun.deployments.first)
            #expect(fakes.aliyun.deployments.count == 1)
            #expect(gateway.apiID == Self.apiID && gateway.stageName == "RELEASE" && gateway.signature == .acs3)
            #expect(gateway.description == "release v3.1.0 (5d4c3b2)")
            #expect(fakes.gitlab.illegalTransitions.isEmpty)
        }
    }

    @Test func aFailedPulumiDeploymentFailsTheRunStopsItAndGitLabShowsFailed() async throws {
        try await Self.withFakes { fakes in
            fakes.pulumi.script(outcome: .failed)
            try await Self.pushTag(fakes, statuses: 2)
            #expect(fakes.gitlab.deployments.map(\.statusHistory) == [[.running, .failed]])
            #expect(fakes.pulumi.deployments.map(\.status) == [.failed])
            #expect(fakes.aliyun.requests.isEmpty)
        }
    }

    @Test func alibabaThrottlingIsRiddenOutAndTheRunSucceeds() async throws {
        try await Self.withFakes { fakes in
            fakes.aliyun.inject(.throttlingUser)
            try await Self.pushTag(fakes, statuses: 2)
            #expect(fakes.gitlab.deployments.map(\.statusHistory) == [[.running, .success]])
            #expect(fakes.aliyun.requests.map(\.errorCode) == ["Throttling.User", nil])
            #expect(fakes.aliyun.deployments.count == 1)
        }
    }
}
