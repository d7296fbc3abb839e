import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOCore
import NIOHTTP1

/// One answer of a provider's API, read whole.
struct HTTPAnswer: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var isSuccess: Bool { (200..<300).contains(status) }

    /// The body as JSON; nil when it is not JSON (the content type is not looked at: moto labels its JSON `text/html`).
    var json: ConfigValue? {
        try? JSONDecoder().decode(ConfigValue.self, from: Data(body))
    }
}

/// Sends the providers' API calls and turns what went wrong on the way into `ProviderError`s that never carry a secret.
enum ProviderHTTP {
    /// Control-plane answers are a few kilobytes; anything larger is not one.
    static let maxResponseBytes = 1024 * 1024

    /// Sends `request` and reads the answer whatever its status. `call` names it in messages (`apigateway DeployApi`);
    /// `secrets` are removed from any message.
    static func send(
        _ request: SignedHTTPRequest, httpClient: ProviderHTTPClient, timeout: Duration, call: String, secrets: [String]
    ) async throws(ProviderError) -> HTTPAnswer {
        var http = HTTPClientRequest(url: request.url)
        http.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { http.headers.add(name: header.name, value: header.value) }
        if !http.headers.contains(name: "User-Agent") { http.headers.add(name: "User-Agent", value: "gitops-bridge") }
        if !request.body.isEmpty || request.method == "POST" { http.body = .bytes(ByteBuffer(bytes: request.body)) }
        do {
            let response = try await httpClient.execute(http, timeout: timeout)
            let bytes = try await response.body.collect(upTo: maxResponseBytes)
            return HTTPAnswer(status: Int(response.status.code), headers: response.headers, body: Array(buffer: bytes))
        } catch {
            throw transport(error, call: call, url: request.url, secrets: secrets)
        }
    }

    /// A request that got no answer: a malformed endpoint is permanent, everything else (refused connection, timeout,
    /// reset, TLS trouble) retryable.
    static func transport(_ error: any Error, call: String, url: String, secrets: [String]) -> ProviderError {
        // Without the query: an RPC-signed URL carries the AccessKey id, the STS token (percent-encoded, so `secrets`
        // would not find it) and the signature.
        let place = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        let prefix = "\(call) request to \(redact(place, secrets: secrets)) failed"
        if let redirect = error as? RedirectRefused {
            return .permanent(redact("\(call) to \(place) \(redirect)", secrets: secrets))
        }
        if let error = error as? HTTPClientError {
            // This error's description quotes header values, and signatures and tokens are headers.
            if error.description.hasPrefix("HTTPClientError.invalidHeaderField") {
                return .permanent("\(prefix): a header name or value is not valid HTTP")
            }
            let configurationErrors: [HTTPClientError] = [.invalidURL, .emptyHost, .emptyScheme]
            if configurationErrors.contains(error) || error.description.hasPrefix("HTTPClientError.unsupportedScheme") {
                return .permanent(redact("\(prefix): \(error)", secrets: secrets))
            }
        }
        if error is NIOTooManyBytesError {
            return .permanent("\(prefix): the answer is larger than any answer of the API")
        }
        return .retryable(redact("\(prefix): \(error)", secrets: secrets))
    }

    /// Defence in depth: no message leaves with a secret in it, even if an answer echoes one.
    static func redact(_ message: String, secrets: [String]) -> String {
        secrets.filter { !$0.isEmpty }.reduce(message) { $0.replacingOccurrences(of: $1, with: "[REDACTED]") }
    }
}
