import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOCore
import NIOHTTP1

/// Signed calls to moto for what tests set up and inspect (REST APIs, stages, applications, deployments). It signs
/// with `SigV4Signer` and sends with its own HTTP request rather than the providers' client, so what a test checks
/// does not go through the code under test. GETs carry `X-Amz-Content-SHA256`, without which moto refuses every
/// body-less request (providers.md §4).
public struct MotoAPI: Sendable {
    public let moto: MotoServer
    public let region: String

    public init(_ moto: MotoServer, region: String = "eu-west-2") {
        self.moto = moto
        self.region = region
    }

    /// A moto answer that is not a success, or not JSON.
    public struct CallError: Error, CustomStringConvertible {
        public var description: String
    }

    /// A REST API call; its JSON answer.
    public func rest(_ method: String, _ path: String, _ body: ConfigValue? = nil) async throws -> ConfigValue {
        var headers = [AWSRequest.Header("Accept", "application/json")]
        if body != nil { headers.append(AWSRequest.Header("Content-Type", "application/json")) }
        let request = AWSRequest(
            service: "apigateway", operation: "\(method) \(path)", method: method, path: path, headers: headers,
            body: body.map { Array($0.jsonText.utf8) } ?? [])
        return try await send(request)
    }

    /// A CodeDeploy JSON 1.1 call; its JSON answer.
    public func codeDeploy(_ operation: String, _ body: ConfigValue) async throws -> ConfigValue {
        try await send(CodeDeployRequest.call(operation, body: body))
    }

    private func send(_ request: AWSRequest) async throws -> ConfigValue {
        let signer = SigV4Signer(service: request.service, region: region, signsContentSHA256: true)
        let signed = signer.sign(request.signable(host: "127.0.0.1:\(moto.port)"), credentials: moto.credentials, date: Date())
        var http = HTTPClientRequest(url: moto.endpoint + request.path)
        http.method = HTTPMethod(rawValue: request.method)
        for header in signed { http.headers.add(name: header.name, value: header.value) }
        http.body = .bytes(ByteBuffer(bytes: request.body))
        let response = try await HTTPClient.shared.execute(http, timeout: .seconds(10))
        let body = Array(buffer: try await response.body.collect(upTo: 1024 * 1024))
        guard (200..<300).contains(response.status.code) else {
            throw CallError(description: "moto answered \(request.operation) with \(response.status.code): \(String(decoding: body, as: UTF8.self))")
        }
        guard let json = try? JSONDecoder().decode(ConfigValue.self, from: Data(body)) else {
            throw CallError(description: "moto's answer to \(request.operation) is not JSON")
        }
        return json
    }

    /// A CodeDeploy application of its own (tests share one moto) with the deployment group `staging`, which a
    /// deployment needs. Its name.
    public func applicationReadyToDeploy() async throws -> String {
        let application = "shop-" + UUID().uuidString.prefix(8).lowercased()
        _ = try await codeDeploy("CreateApplication", ["applicationName": .string(application)])
        _ = try await codeDeploy(
            "CreateDeploymentGroup",
            [
                "applicationName": .string(application), "deploymentGroupName": "staging",
                "serviceRoleArn": "arn:aws:iam::123456789012:role/codedeploy",
            ])
        return application
    }

    /// A REST API with one resource, a GET method and a mock integration: the least API Gateway deploys. Its id.
    public func restAPIReadyToDeploy(name: String = "shop") async throws -> String {
        guard let api = try await rest("POST", "/restapis", .object(["name": .string(name)]))["id"]?.stringValue else {
            throw CallError(description: "moto created a REST API without an id")
        }
        let resources = try await rest("GET", "/restapis/\(api)/resources")
        guard case .array(let items) = resources["item"], let root = items.first?["id"]?.stringValue else {
            throw CallError(description: "moto's REST API \(api) has no root resource")
        }
        _ = try await rest("PUT", "/restapis/\(api)/resources/\(root)/methods/GET", .object(["authorizationType": .string("NONE")]))
        _ = try await rest("PUT", "/restapis/\(api)/resources/\(root)/methods/GET/integration", .object(["type": .string("MOCK")]))
        return api
    }
}
