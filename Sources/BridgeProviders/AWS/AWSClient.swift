import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOCore
import NIOHTTP1

/// One AWS answer, read whole.
typealias AWSAnswer = HTTPAnswer

/// Signs AWS calls with SigV4 and sends them: the endpoint is the target's (`https://<service>.<region>.amazonaws.com`
/// or its `endpoint` override), the credentials the provider's for the target's source.
struct AWSClient: Sendable {
    let credentials: any AWSCredentialsProvider
    let httpClient: ProviderHTTPClient
    let timeout: Duration
    let now: @Sendable () -> Date

    init(credentials: any AWSCredentialsProvider, httpClient: ProviderHTTPClient, timeout: Duration, now: @escaping @Sendable () -> Date) {
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
        let signer = target.signer(service: request.service)
        let signed = signer.sign(request.signable(host: target.host), credentials: credentials, date: now())
        // User-Agent is not signed (SigV4Signer leaves it out, as botocore does), so proxies may rewrite it.
        let http = SignedHTTPRequest(
            method: request.method, url: target.url(for: request), headers: signed.map { HeaderField($0.name, $0.value) }, body: request.body)
        return try await ProviderHTTP.send(
            http, httpClient: httpClient, timeout: timeout, call: "\(request.service) \(request.operation)",
            secrets: [credentials.secretAccessKey, credentials.sessionToken ?? ""])
    }
}
