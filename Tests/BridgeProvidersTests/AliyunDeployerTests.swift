import AsyncHTTPClient
import BridgeCore
import BridgeProviders
import BridgeTestSupport
import Foundation
import Testing

/// `AliyunAPIGatewayDeployer` against `AliyunFake`, which stands in for Alibaba Cloud API Gateway's `DeployApi`
/// (providers.md §5) and verifies both signatures with its own implementation.
@Suite struct AliyunDeployerTests {
    static let groupID = "63be0d3b4e5f4c0e9b1f2a3c4d5e6f70"
    static let apiID = "d6f6a0b1c2d34e5f8a9b0c1d2e3f4a5b"

    static func request(_ fake: AliyunFake, _ extra: [String: ConfigValue] = [:]) -> DeploymentRequest {
        var parameters: [String: ConfigValue] = [
            "region": "cn-hangzhou", "endpoint": .string(fake.endpoint), "group_id": .string(groupID), "api_id": .string(apiID),
            "stage": "RELEASE", "access_key_id": "env:ALIYUN_ID", "access_key_secret": "env:ALIYUN_SECRET",
        ]
        parameters.merge(extra) { $1 }
        return DeploymentRequest(
            runID: 3, stepID: 5, target: "cn-gateway", provider: "aliyun-apigateway", parameters: .object(parameters),
            environment: "production",
            event: PushEvent(forge: .gitlab, repository: "acme/shop", refKind: .tag, refName: "v1.2.0", sha: String(repeating: "c", count: 40)),
            attempt: 1)
    }

    static func deployer(_ fake: AliyunFake, secret: String? = nil, environment: [String: String] = [:]) -> AliyunAPIGatewayDeployer {
        let secrets = TestSecrets(values: [
            "ALIYUN_ID": fake.credentials.accessKeyID, "ALIYUN_SECRET": secret ?? fake.credentials.accessKeySecret,
            "ALIYUN_TOKEN": fake.credentials.securityToken ?? "",
        ])
        return AliyunAPIGatewayDeployer(resolver: secrets, environment: environment, httpClient: .forTests, timeout: .seconds(10))
    }

    static func failure(_ body: () async throws(ProviderError) -> DeploymentStart) async -> ProviderError? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: ["ACS3-HMAC-SHA256", "HMAC-SHA1"])
    func deploysTheAPIToTheStage(signature: String) async throws {
        try await withAliyunFake { fake in
            let start = try await Self.deployer(fake).start(Self.request(fake, ["signature": .string(signature), "stage": "PRE"]))
            let deployment = try #require(fake.deployments.first)
            #expect(fake.deployments.count == 1)
            #expect(deployment.apiID == Self.apiID && deployment.groupID == Self.groupID && deployment.stageName == "PRE")
            #expect(deployment.description == "gitops-bridge acme/shop@ccccccc")
            #expect(deployment.signature == (signature == "HMAC-SHA1" ? .rpc : .acs3))
            #expect(start.status == .succeeded && start.externalID == deployment.requestID)
            #expect(start.log == "API \(Self.apiID) of group \(Self.groupID) deployed to PRE (RequestId \(deployment.requestID))\n")
        }
    }

    @Test func credentialsComeFromTheEnvironmentWithoutReferences() async throws {
        try await withAliyunFake { fake in
            let environment = [
                "ALIBABA_CLOUD_ACCESS_KEY_ID": fake.credentials.accessKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": fake.credentials.accessKeySecret,
            ]
            let request = Self.request(fake, ["access_key_id": .null, "access_key_secret": .null, "description": "release v1.2.0"])
            _ = try await Self.deployer(fake, environment: environment).start(request)
            #expect(fake.deployments.map(\.description) == ["release v1.2.0"])
        }
    }

    @Test(arguments: ["ACS3-HMAC-SHA256", "HMAC-SHA1"])
    func anSTSTokenIsSentAndSigned(signature: String) async throws {
        let credentials = AlibabaCredentials(
            accessKeyID: "STS.FAKEALIYUNTEMPKEY1", accessKeySecret: "fakeTemporarySecretForTheAliyunFake00", securityToken: "CAIS.FAKE.TOKEN")
        try await withAliyunFake(AliyunFake(credentials: credentials)) { fake in
            let request = Self.request(fake, ["signature": .string(signature), "security_token": "env:ALIYUN_TOKEN"])
            _ = try await Self.deployer(fake).start(request)
            #expect(fake.deployments.first?.sentSecurityToken == true)
        }
    }

    @Test func aWrongSecretFailsPermanentlyWithAlibabasCodeMessageAndRequestId() async throws {
        try await withAliyunFake { fake in
            let wrong = "wrongSecretForTheAliyunFake000000000"
            let error = await Self.failure { () async throws(ProviderError) in
                try await Self.deployer(fake, secret: wrong).start(Self.request(fake))
            }
            let requestID = try #require(fake.requests.last?.requestID)
            #expect(error?.isRetryable == false)
            #expect(error?.description.hasPrefix("apigateway DeployApi: SignatureDoesNotMatch: ") == true, "\(String(describing: error))")
            #expect(error?.description.hasSuffix("(RequestId \(requestID))") == true)
            #expect(error?.description.contains(wrong) == false)
            #expect(fake.deployments.isEmpty)
        }
    }

    @Test(arguments: [AliyunFake.Fault.throttlingUser, .throttlingAPI, .internalError, .serviceUnavailable])
    func throttlingAndServerErrorsAreRetryable(fault: AliyunFake.Fault) async throws {
        try await withAliyunFake { fake in
            fake.inject(fault)
            let deployer = Self.deployer(fake)
            let error = await Self.failure { () async throws(ProviderError) in try await deployer.start(Self.request(fake)) }
            #expect(error?.isRetryable == true, "\(String(describing: error))")
            // The retry is a new request with a new nonce, and goes through.
            let start = try await deployer.start(Self.request(fake))
            #expect(start.status == .succeeded && fake.deployments.count == 1)
        }
    }

    @Test func parameterErrorsArePermanent() async throws {
        try await withAliyunFake(AliyunFake(apis: [AliyunFake.API(groupID: Self.groupID, apiID: Self.apiID)])) { fake in
            let error = await Self.failure { () async throws(ProviderError) in
                try await Self.deployer(fake).start(Self.request(fake, ["api_id": "0000"]))
            }
            #expect(error?.isRetryable == false)
            #expect(error?.description.hasPrefix("apigateway DeployApi: NotFoundApi") == true, "\(String(describing: error))")
        }
    }

    @Test func missingCredentialsFailAtOnceSayingWhatToSet() async throws {
        try await withAliyunFake { fake in
            let request = Self.request(fake, ["access_key_id": .null, "access_key_secret": .null])
            let error = await Self.failure { () async throws(ProviderError) in try await Self.deployer(fake).start(request) }
            #expect(error?.isRetryable == false)
            #expect(error?.description.contains("ALIBABA_CLOUD_ACCESS_KEY_ID") == true)
            #expect(fake.requests.isEmpty)
        }
    }

    @Test func aFailedConnectionIsRetryableAndItsMessageCarriesNoCredential() async throws {
        let token = "CAIS+fake/STS=token"
        let secrets = TestSecrets(values: ["ID": "LTAIFAKECONNECTFAIL1", "SECRET": "fakeSecretForAClosedPort0000", "TOKEN": token])
        let deployer = AliyunAPIGatewayDeployer(resolver: secrets, environment: [:], httpClient: .forTests, timeout: .seconds(2))
        let closedPort = try ClosedPort()
        let closed = closedPort.url
        let parameters: ConfigValue = [
            "region": "cn-hangzhou", "endpoint": .string(closed), "group_id": "g1", "api_id": "a1", "stage": "TEST",
            "signature": "HMAC-SHA1", "access_key_id": "env:ID", "access_key_secret": "env:SECRET", "security_token": "env:TOKEN",
        ]
        let request = DeploymentRequest(
            runID: 1, stepID: 1, target: "gw", provider: "aliyun-apigateway", parameters: parameters, environment: nil,
            event: PushEvent(forge: .github, repository: "acme/shop", refKind: .branch, refName: "main", sha: String(repeating: "d", count: 40)),
            attempt: 1)
        let error = await Self.failure { () async throws(ProviderError) in try await deployer.start(request) }
        let text = try #require(error).description
        #expect(error?.isRetryable == true, "\(text)")
        #expect(text.hasPrefix("apigateway DeployApi request to \(closed)/ failed"), "\(text)")
        for secret in ["LTAIFAKECONNECTFAIL1", "fakeSecretForAClosedPort0000", token, AlibabaSigner.percentEncode(token)] {
            #expect(!text.contains(secret))
        }
        withExtendedLifetime(closedPort) {}
    }
}
