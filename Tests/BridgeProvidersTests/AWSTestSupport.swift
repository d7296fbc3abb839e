import AsyncHTTPClient
import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// Requests and helpers shared by the AWS provider tests.
enum AWSTests {
    static let sha = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"

    /// A step of `provider` with `parameters`, for a push of `sha` to main.
    static func request(_ provider: String, _ parameters: [String: ConfigValue], sha: String = sha) -> DeploymentRequest {
        DeploymentRequest(
            runID: 7, stepID: 11, target: "backend", provider: provider, parameters: .object(parameters), environment: "staging",
            event: PushEvent(forge: .github, repository: "acme/shop", refKind: .branch, refName: "main", sha: sha), attempt: 1)
    }

    /// The error `body` throws; nil when it succeeds. Also checks the message carries none of `secrets`.
    static func failure<T>(
        secrets: [String] = [], sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
    ) async -> ProviderError? {
        do {
            _ = try await body()
            return nil
        } catch let error as ProviderError {
            for secret in secrets where !secret.isEmpty {
                #expect(!error.description.contains(secret), sourceLocation: sourceLocation)
                #expect(!"\(error)".contains(secret), sourceLocation: sourceLocation)
            }
            return error
        } catch {
            Issue.record("expected a ProviderError, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Credentials that are not the fake's or moto's.
    static func wrongSecret(_ credentials: AWSCredentials) -> AWSCredentials {
        AWSCredentials(accessKeyID: credentials.accessKeyID, secretAccessKey: "wrong/Secret/Key/0000000000000000000000")
    }

    /// A port nobody listens on.
    static func closedPortEndpoint() throws -> String {
        "http://127.0.0.1:\(try MotoServer.freePort())"
    }
}

/// Signed calls to moto for what the tests set up and inspect (REST APIs, applications, stages), through the
/// providers' own client. GETs carry `X-Amz-Content-SHA256`, without which moto refuses every body-less request
/// (providers.md §4).
struct MotoAPI {
    let moto: MotoServer
    let region: String

    init(_ moto: MotoServer, region: String = "eu-west-2") {
        self.moto = moto
        self.region = region
    }

    var target: AWSTarget {
        AWSTarget(
            region: region, endpoint: moto.endpoint, host: "127.0.0.1:\(moto.port)", signsContentSHA256: true,
            credentials: AWSCredentialsSource(region: region))
    }

    /// A REST API call; its JSON answer.
    func rest(_ method: String, _ path: String, _ body: ConfigValue? = nil) async throws -> ConfigValue {
        var headers = [AWSRequest.Header("Accept", "application/json")]
        if body != nil { headers.append(AWSRequest.Header("Content-Type", "application/json")) }
        let request = AWSRequest(
            service: "apigateway", operation: "\(method) \(path)", method: method, path: path, headers: headers,
            body: body.map { Array($0.jsonText.utf8) } ?? [])
        return try await send(request)
    }

    /// A CodeDeploy JSON 1.1 call; its JSON answer.
    func codeDeploy(_ operation: String, _ body: ConfigValue) async throws -> ConfigValue {
        try await send(CodeDeployRequest.call(operation, body: body))
    }

    private func send(_ request: AWSRequest) async throws -> ConfigValue {
        let client = AWSClient(
            credentials: StaticAWSCredentialsProvider(moto.credentials), httpClient: .shared, timeout: .seconds(10), now: { Date() })
        let answer = try await client.call(request, to: target) { error in .permanent(error.description) }
        return try #require(answer.json, "moto's answer to \(request.operation) is not JSON")
    }

    /// A REST API with one resource, a GET method and a mock integration: the least API Gateway deploys. Its id.
    func restAPIReadyToDeploy(name: String = "shop") async throws -> String {
        let api = try #require(try await rest("POST", "/restapis", .object(["name": .string(name)]))["id"]?.stringValue)
        let resources = try await rest("GET", "/restapis/\(api)/resources")
        guard case .array(let items) = resources["item"], let root = items.first?["id"]?.stringValue else {
            throw TestFailure("moto's REST API \(api) has no root resource")
        }
        _ = try await rest("PUT", "/restapis/\(api)/resources/\(root)/methods/GET", .object(["authorizationType": .string("NONE")]))
        _ = try await rest("PUT", "/restapis/\(api)/resources/\(root)/methods/GET/integration", .object(["type": .string("MOCK")]))
        return api
    }
}
