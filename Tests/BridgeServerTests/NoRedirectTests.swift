import AsyncHTTPClient
import BridgeCore
import BridgeProviders
import BridgeTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import BridgeServer

/// No provider, reporter or credentials endpoint follows a redirect, built exactly as the server builds them
/// (`HTTPClientService`, `BridgeServerApp.deployers`, `BridgeServerApp.statusReporter`): a 302 from 127.0.0.1 to
/// localhost on another port never reaches the second server, and the step fails saying why.
@Suite struct NoRedirectTests {
    /// Made-up credentials in the real formats (no such AWS or Alibaba keys exist), so a leak would be recognisable.
    static let environment = [
        "AWS_ACCESS_KEY_ID": "AKIAREDIRECTTEST0001", "AWS_SECRET_ACCESS_KEY": "redirect/test/secret/key/000000000000000",
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIredirecttest01", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "redirect-test-alibaba-secret",
        "AWS_EC2_METADATA_DISABLED": "true",
    ]
    static let secrets = ProcessSecretResolver(environment: [
        "PULUMI_ACCESS_TOKEN": "pul-redirect-test-token", "GITLAB_TOKEN": "glpat-redirect-test",
    ])

    static func request(_ provider: String, _ parameters: [String: ConfigValue]) -> DeploymentRequest {
        DeploymentRequest(
            runID: 1, stepID: 1, target: "moved", provider: provider, parameters: .object(parameters), environment: "staging",
            event: PushEvent(forge: .gitlab, repository: "acme/shop", refKind: .branch, refName: "main", sha: String(repeating: "a", count: 40)),
            attempt: 1)
    }

    static func parameters(_ provider: String, endpoint: String) -> [String: ConfigValue] {
        switch provider {
        case "aws-apigateway": ["region": "eu-west-2", "rest_api_id": "a1b2c3d4e5", "stage": "prod", "endpoint": .string(endpoint)]
        case "aws-codedeploy": ["region": "eu-west-2", "application": "shop", "deployment_group": "staging", "endpoint": .string(endpoint)]
        case "aliyun-apigateway":
            ["region": "cn-hangzhou", "group_id": "g1", "api_id": "a1", "stage": "RELEASE", "endpoint": .string(endpoint)]
        default:
            ["organization": "acme", "project": "shop", "stack": "prod", "token": "env:PULUMI_ACCESS_TOKEN", "api_url": .string(endpoint)]
        }
    }

    @Test(arguments: ["aws-apigateway", "aws-codedeploy", "aliyun-apigateway", "pulumi"])
    func aProviderNeverFollowsARedirect(provider: String) async throws {
        let http = HTTPClientService()
        try await withStandIn(RedirectingStandIn()) { moved in
            let deployers = BridgeServerApp.deployers(resolver: Self.secrets, environment: Self.environment, httpClient: http.client)
            let deployer = try #require(deployers.first { $0.provider == provider })
            let request = Self.request(provider, Self.parameters(provider, endpoint: moved.baseURL))
            let error = await Self.failure { () async throws(ProviderError) in try await deployer.start(request) }
            #expect(moved.redirected == 1)
            #expect(moved.received.isEmpty)
            #expect(error?.isRetryable == false)
            #expect(error?.description.contains("answered 302 Found, a redirect to \(moved.destinationURL)/") == true)
            #expect(error?.description.contains("which gitops-bridge never follows") == true)
        }
        try await http.client.shutdown()
    }

    @Test func assumingARoleNeverFollowsARedirect() async throws {
        let http = HTTPClientService()
        try await withStandIn(RedirectingStandIn()) { moved in
            let deployers = BridgeServerApp.deployers(resolver: Self.secrets, environment: Self.environment, httpClient: http.client)
            let deployer = try #require(deployers.first { $0.provider == "aws-apigateway" })
            var parameters = Self.parameters("aws-apigateway", endpoint: "http://127.0.0.1:9")
            parameters["role_arn"] = "arn:aws:iam::123456789012:role/deployer"
            parameters["sts_endpoint"] = .string(moved.baseURL)
            let request = Self.request("aws-apigateway", parameters)
            let error = await Self.failure { () async throws(ProviderError) in try await deployer.start(request) }
            #expect(moved.redirected == 1)
            #expect(moved.received.isEmpty)
            #expect(error?.description.contains("which gitops-bridge never follows") == true)
        }
        try await http.client.shutdown()
    }

    @Test func theStatusReporterNeverFollowsARedirect() async throws {
        let http = HTTPClientService()
        try await withStandIn(RedirectingStandIn()) { moved in
            let rules = try RulesLoader.load(files: [
                (
                    "rules.yaml",
                    """
                    version: 1
                    status:
                      gitlab: {url: "\(moved.baseURL)", token: env:GITLAB_TOKEN}
                    """
                )
            ])
            let reporter = try #require(try BridgeServerApp.statusReporters(rules: rules, resolver: Self.secrets, httpClient: http)["gitlab"])
            let update = StatusUpdate(runID: 1, project: "42", environment: "staging", sha: "abc", ref: "main", tag: false, status: .running)
            var failure: ProviderError?
            do throws(ProviderError) {
                _ = try await reporter.report(update)
            } catch {
                failure = error
            }
            #expect(moved.redirected == 1)
            #expect(moved.received.isEmpty)
            #expect(failure?.isRetryable == false)
            #expect(failure?.description.contains("which gitops-bridge never follows") == true)
        }
        try await http.client.shutdown()
    }

    @Test func theStandInSeesWhatAFollowingClientWouldLeak() async throws {
        try await withStandIn(RedirectingStandIn()) { moved in
            var request = HTTPClientRequest(url: moved.baseURL + "/api/v4/projects/42/deployments")
            request.headers.add(name: "PRIVATE-TOKEN", value: "glpat-would-leak")
            // HTTPClient.shared follows redirects: the credential goes to the other host.
            _ = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(moved.received.map(\.path) == ["/api/v4/projects/42/deployments"])
            #expect(moved.received.first?.headerNames.contains("private-token") == true)
        }
    }

    static func failure(_ body: () async throws(ProviderError) -> DeploymentStart) async -> ProviderError? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error
        }
    }
}
