import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOCore
import NIOHTTP1

/// One AWS answer, read whole.
struct AWSAnswer: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var isSuccess: Bool { (200..<300).contains(status) }

    /// The body as JSON; nil when it is not JSON. moto labels its JSON `text/html`, so the content type is not looked at.
    var json: ConfigValue? {
        try? JSONDecoder().decode(ConfigValue.self, from: Data(body))
    }
}

/// Signs AWS calls with SigV4 and sends them: the endpoint is the target's (`https://<service>.<region>.amazonaws.com`
/// or its `endpoint` override), the credentials the provider's for the target's source.
struct AWSClient: Sendable {
    /// AWS control-plane answers are a few kilobytes; anything larger is not one.
    static let maxResponseBytes = 1024 * 1024

    let credentials: any AWSCredentialsProvider
    let httpClient: HTTPClient
    let timeout: Duration
    let now: @Sendable () -> Date

    init(credentials: any AWSCredentialsProvider, httpClient: HTTPClient, timeout: Duration, now: @escaping @Sendable () -> Date) {
        self.credentials = credentials
        self.httpClient = httpClient
        self.timeout = timeout
        self.now = now
    }

    /// Sends `request` to `target` and returns its answer when successful. An error answer becomes `classify`'s
    /// `ProviderError` (its message redacted of the credentials), or is returned when `classify` gives nil (an error
    /// that means done). Missing credentials and requests that got no answer throw too.
    func call(
        _ request: AWSRequest, to target: AWSTarget, classify: (AWSError) -> ProviderError?
    ) async throws(ProviderError) -> AWSAnswer {
        let credentials = try await credentials.credentials(for: target.credentials)
        let secrets = [credentials.secretAccessKey, credentials.sessionToken ?? ""]
        let answer = try await send(request, to: target, credentials: credentials)
        if !answer.isSuccess, let failure = classify(AWSError(answer, now: now()).redacting(secrets)) { throw failure }
        return answer
    }

    /// Signs and sends one request; the answer whatever its status.
    private func send(_ request: AWSRequest, to target: AWSTarget, credentials: AWSCredentials) async throws(ProviderError) -> AWSAnswer {
        let url = target.url(for: request)
        let signer = target.signer(service: request.service)
        let signed = signer.sign(request.signable(host: target.host), credentials: credentials, date: now())
        var http = HTTPClientRequest(url: url)
        http.method = HTTPMethod(rawValue: request.method)
        for header in signed { http.headers.add(name: header.name, value: header.value) }
        // Not signed (SigV4Signer leaves User-Agent out, as botocore does), so proxies may rewrite it.
        http.headers.add(name: "User-Agent", value: "gitops-bridge")
        http.body = .bytes(ByteBuffer(bytes: request.body))
        do {
            let response = try await httpClient.execute(http, timeout: .nanoseconds(Self.nanoseconds(timeout)))
            let bytes = try await response.body.collect(upTo: Self.maxResponseBytes)
            return AWSAnswer(status: Int(response.status.code), headers: response.headers, body: Array(buffer: bytes))
        } catch {
            let secrets = [credentials.secretAccessKey, credentials.sessionToken ?? ""]
            throw AWSFailure.transport(error, call: "\(request.service) \(request.operation)", url: url, secrets: secrets)
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
