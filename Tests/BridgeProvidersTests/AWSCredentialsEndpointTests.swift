import AsyncHTTPClient
import BridgeCore
import BridgeProviders
import BridgeTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The container credentials endpoint (ECS, EKS Pod Identity) and EC2 instance metadata (IMDSv2).
@Suite struct AWSCredentialsEndpointTests {
    typealias Fixture = AWSCredentialsFixture

    // MARK: Container

    @Test func readsARelativeURIOnTheInjectedHostWithTheEnvironmentsToken() async throws {
        var fixture = try Fixture()
        let standIn = ContainerCredentialsStandIn(authorizationToken: "ecs-auth-token-1", now: fixture.clock.closure)
        try await withStandIn(standIn) { container in
            fixture.environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = container.path
            fixture.environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "ecs-auth-token-1"
            let credentials = try await fixture.chain(containerHost: container.baseURL).credentials(for: Fixture.source())
            #expect(credentials == container.issued.first)
            #expect(credentials.expiration == fixture.clock.now.addingTimeInterval(6 * 3600))
            #expect(container.requests.map(\.authorization) == ["ecs-auth-token-1"])
            #expect(container.requests.map(\.method) == ["GET"])
        }
    }

    @Test func readsAFullURIWithATokenFileRereadOnRefresh() async throws {
        var fixture = try Fixture()
        let standIn = ContainerCredentialsStandIn(authorizationToken: "pod-identity-token-1", now: fixture.clock.closure)
        try await withStandIn(standIn) { container in
            fixture.environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = container.baseURL + container.path
            fixture.environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = try fixture.directory.write("eks-token", "pod-identity-token-1\n")
            fixture.environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "ignored-when-a-file-is-given"
            let chain = fixture.chain()
            let first = try await chain.credentials(for: Fixture.source())
            #expect(first == container.issued.first)
            try fixture.directory.write("eks-token", "pod-identity-token-2")
            fixture.clock.advance(by: 6 * 3600 - 60)
            let error = try await chain.failure(for: Fixture.source())
            // The rotated token is read, and this stand-in still expects the old one: 401, permanent, token not shown.
            #expect(container.requests.map(\.authorization) == ["pod-identity-token-1", "pod-identity-token-2"])
            #expect(!error.isRetryable)
            #expect(error.description.hasPrefix("container credentials at \(container.baseURL)\(container.path): HTTP 401"))
            #expect(!error.reveals(["pod-identity-token-1", "pod-identity-token-2"]))
        }
    }

    @Test(arguments: ["http://example.com/creds", "http://169.254.169.254/latest/meta-data/", "https://10.0.0.7/creds"])
    func refusesAFullURIOffLoopback(url: String) async throws {
        var fixture = try Fixture()
        fixture.environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = url
        fixture.environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "must-not-leave"
        let error = try await fixture.chain().failure(for: Fixture.source())
        #expect(!error.isRetryable)
        #expect(error.description.contains("is neither a loopback address nor an ECS/EKS credentials address"))
    }

    @Test func containerServerErrorsAreRetryable() async throws {
        var fixture = try Fixture()
        try await withStandIn(ContainerCredentialsStandIn(now: fixture.clock.closure)) { container in
            container.inject(.response(status: 500, contentType: "text/plain", body: "agent restarting"))
            fixture.environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = container.path
            let error = try await fixture.chain(containerHost: container.baseURL).failure(for: Fixture.source())
            #expect(error == .retryable("container credentials at \(container.baseURL)\(container.path): HTTP 500: agent restarting"))
        }
    }

    @Test func containerAnswersEchoingTheTokenAreRedacted() async throws {
        var fixture = try Fixture()
        try await withStandIn(ContainerCredentialsStandIn(now: fixture.clock.closure)) { container in
            container.inject(.response(status: 403, contentType: "text/plain", body: "token echo-me-not is not allowed"))
            fixture.environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = container.path
            fixture.environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "echo-me-not"
            let error = try await fixture.chain(containerHost: container.baseURL).failure(for: Fixture.source())
            #expect(error == .permanent("container credentials at \(container.baseURL)\(container.path): HTTP 403: token [REDACTED] is not allowed"))
        }
    }

    @Test func aTokenThatCannotBeAHeaderIsRefusedUnquoted() async throws {
        var fixture = try Fixture()
        fixture.environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/x"
        fixture.environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "line-one\r\nX-Injected: yes"
        let error = try await fixture.chain().failure(for: Fixture.source())
        #expect(
            error
                == .permanent(
                    "the container authorization token (AWS_CONTAINER_AUTHORIZATION_TOKEN) is empty or has characters a header cannot carry"))
    }

    // MARK: Instance metadata

    @Test func usesIMDSv2SessionTokens() async throws {
        var fixture = try Fixture()
        fixture.environment["AWS_EC2_METADATA_DISABLED"] = nil
        try await withStandIn(IMDSStandIn(now: fixture.clock.closure)) { imds in
            let credentials = try await fixture.chain(imdsEndpoint: imds.baseURL).credentials(for: Fixture.source())
            #expect(credentials == imds.issued.first)
            #expect(credentials.expiration == fixture.clock.now.addingTimeInterval(6 * 3600))
            let requests = imds.requests
            #expect(requests.map(\.method) == ["PUT", "GET", "GET"])
            #expect(
                requests.map(\.path) == [
                    "/latest/api/token", IMDSStandIn.credentialsPath, IMDSStandIn.credentialsPath + "gitops-bridge-instance",
                ])
            #expect(requests.dropFirst().allSatisfy { $0.hadToken && $0.status == 200 })
        }
    }

    @Test func theIMDSStandInRefusesRequestsWithoutASessionToken() async throws {
        try await withStandIn(IMDSStandIn()) { imds in
            var get = HTTPClientRequest(url: imds.baseURL + IMDSStandIn.credentialsPath)
            get.method = .GET
            let refused = try await HTTPClient.shared.execute(get, timeout: .seconds(5))
            #expect(refused.status == .unauthorized)
            var put = HTTPClientRequest(url: imds.baseURL + "/latest/api/token")
            put.method = .PUT
            put.body = .bytes(ByteBuffer())
            let withoutTTL = try await HTTPClient.shared.execute(put, timeout: .seconds(5))
            #expect(withoutTTL.status == .badRequest)
        }
    }

    @Test func anInstanceWithoutARoleHasNoCredentials() async throws {
        var fixture = try Fixture()
        fixture.environment["AWS_EC2_METADATA_DISABLED"] = nil
        try await withStandIn(IMDSStandIn(roleName: nil, now: fixture.clock.closure)) { imds in
            let error = try await fixture.chain(imdsEndpoint: imds.baseURL).failure(for: Fixture.source())
            #expect(!error.isRetryable)
            #expect(error.description.hasSuffix("(the instance at \(imds.baseURL) has no instance profile)"))
        }
    }

    @Test func refreshesFromInstanceMetadataAgain() async throws {
        var fixture = try Fixture()
        fixture.environment["AWS_EC2_METADATA_DISABLED"] = nil
        try await withStandIn(IMDSStandIn(now: fixture.clock.closure)) { imds in
            let chain = fixture.chain(imdsEndpoint: imds.baseURL)
            _ = try await chain.credentials(for: Fixture.source())
            fixture.clock.advance(by: 6 * 3600 - 120)
            let refreshed = try await chain.credentials(for: Fixture.source())
            #expect(imds.issued.count == 2)
            #expect(refreshed == imds.issued.last)
            #expect(imds.requests.filter { $0.method == "PUT" }.count == 2)
        }
    }

    @Test func theEnvironmentCanPointAtAnotherInstanceMetadataEndpoint() async throws {
        var fixture = try Fixture()
        fixture.environment["AWS_EC2_METADATA_DISABLED"] = nil
        try await withStandIn(IMDSStandIn(now: fixture.clock.closure)) { imds in
            fixture.environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.baseURL + "/"
            let credentials = try await fixture.chain(imdsEndpoint: "http://127.0.0.1:9").credentials(for: Fixture.source())
            #expect(credentials == imds.issued.first)
        }
    }
}
