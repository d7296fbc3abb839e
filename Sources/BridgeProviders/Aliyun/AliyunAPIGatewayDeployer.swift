import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOHTTP1

/// The `aliyun-apigateway` provider: publishes an API to a stage with Alibaba Cloud API Gateway's `DeployApi`
/// (`AliyunDeployRequest` says which keys become which parameters, and how the request is signed).
///
/// Credentials are the target's `access_key_id`, `access_key_secret` and `security_token` references, resolved when
/// the step runs, or else `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and
/// `ALIBABA_CLOUD_SECURITY_TOKEN` of the bridge's environment. The API is published when Alibaba answers 200; its
/// `RequestId` is the external id. Errors keep Alibaba's `Code`, `Message` and `RequestId`: `Throttling*` codes, 5xx and
/// network trouble are retryable (after `Retry-After` when sent); signature, parameter and
/// permission errors are permanent.
public struct AliyunAPIGatewayDeployer: Deployer {
    private let resolver: any SecretResolver
    private let environment: [String: String]
    private let httpClient: ProviderHTTPClient
    private let timeout: Duration
    private let now: @Sendable () -> Date
    private let nonce: @Sendable () -> String

    public init(
        resolver: any SecretResolver, environment: [String: String], httpClient: ProviderHTTPClient, timeout: Duration = .seconds(30),
        now: @escaping @Sendable () -> Date = { Date() }, nonce: @escaping @Sendable () -> String = { UUID().uuidString }
    ) {
        self.resolver = resolver
        self.environment = environment
        self.httpClient = httpClient
        self.timeout = timeout
        self.now = now
        self.nonce = nonce
    }

    /// Calls `DeployApi`; Alibaba's `RequestId` is the external id.
    public func start(_ call: AliyunDeployRequest, step: DeploymentRequest, journal: any StepJournal) async throws(ProviderError) -> DeploymentStart {
        let credentials = try credentials(for: call)
        let token = credentials.securityToken ?? ""
        let secrets = [credentials.accessKeySecret, token, AlibabaSigner.percentEncode(token)]
        let signed = call.signed(credentials: credentials, date: now(), nonce: nonce())
        let operation = "apigateway \(AliyunDeployRequest.action)"
        let answer = try await ProviderHTTP.send(signed, httpClient: httpClient, timeout: timeout, call: operation, secrets: secrets)
        guard answer.isSuccess else { throw Self.classify(answer, now: now(), secrets: secrets) }
        let requestID = answer.json?["RequestId"]?.stringValue ?? ""
        let parameters = call.parameters
        let what = "API \(parameters["ApiId"] ?? "") of group \(parameters["GroupId"] ?? "") deployed to \(parameters["StageName"] ?? "")"
        return DeploymentStart(
            externalID: requestID.isEmpty ? nil : requestID, status: .succeeded,
            log: what + (requestID.isEmpty ? "" : " (RequestId \(requestID))") + "\n")
    }

    /// Nothing to wait for: the API is published when `DeployApi` answers.
    public func poll(_ call: AliyunDeployRequest, externalID: String, step: DeploymentRequest) async throws(ProviderError) -> DeploymentProgress {
        DeploymentProgress(status: .succeeded)
    }

    /// Nothing to stop: `DeployApi` has finished when it answers.
    public func cancel(_ call: AliyunDeployRequest, externalID: String, step: DeploymentRequest) async throws(ProviderError) {}

    /// The target's references, resolved now; else the environment's `ALIBABA_CLOUD_*`.
    func credentials(for call: AliyunDeployRequest) throws(ProviderError) -> AlibabaCredentials {
        let references = call.credentials
        if let idReference = references.accessKeyID, let secretReference = references.accessKeySecret {
            do {
                let token = try references.securityToken.map { reference throws(SecretError) in try resolver.resolve(reference).text }
                return AlibabaCredentials(
                    accessKeyID: try resolver.resolve(idReference).text, accessKeySecret: try resolver.resolve(secretReference).text,
                    securityToken: token)
            } catch {
                throw .permanent("cannot read the Alibaba Cloud credentials: \(error)")
            }
        }
        guard let id = environment["ALIBABA_CLOUD_ACCESS_KEY_ID"], !id.isEmpty,
            let secret = environment["ALIBABA_CLOUD_ACCESS_KEY_SECRET"], !secret.isEmpty
        else {
            throw .permanent(
                "no Alibaba Cloud credentials: give the target access_key_id and access_key_secret references, or set "
                    + "ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        }
        let token = environment["ALIBABA_CLOUD_SECURITY_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return AlibabaCredentials(accessKeyID: id, accessKeySecret: secret, securityToken: token)
    }

    /// Alibaba's error answer as a `ProviderError`: `Code: Message (RequestId …)`.
    static func classify(_ answer: HTTPAnswer, now: Date, secrets: [String]) -> ProviderError {
        let json = answer.json
        let code = json?["Code"]?.stringValue
        let message = json?["Message"]?.stringValue
        let requestID = json?["RequestId"]?.stringValue
        var text = [code, message].compactMap { $0 }.joined(separator: ": ")
        if text.isEmpty {
            text = "HTTP \(answer.status): " + String(decoding: answer.body.prefix(300), as: UTF8.self)
        }
        if let requestID { text += " (RequestId \(requestID))" }
        text = "apigateway DeployApi: " + ProviderHTTP.redact(text, secrets: secrets)
        // Alibaba's SDKs read an `x-acs-retry-after` header whose unit is not documented, so only the standard header
        // is honoured; without it the worker's exponential backoff applies.
        let retryAfter = RetryAfter.parse(answer.headers.first(name: "Retry-After"), now: now)
        if code?.hasPrefix("Throttling") == true || answer.status == 429 || answer.status >= 500 {
            return .retryable(text, retryAfter: retryAfter)
        }
        return .permanent(text)
    }
}
