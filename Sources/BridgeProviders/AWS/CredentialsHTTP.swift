import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP exchange with a credentials endpoint (STS, the container endpoint, instance metadata), read whole.
///
/// Failures never carry a header value: the requests carry signatures, session tokens and authorization tokens.
struct CredentialsHTTP: Sendable {
    /// Every answer these endpoints give is a few kilobytes.
    static let maxResponseBytes = 64 * 1024
    /// Provider messages longer than this are an HTML page or a proxy's, and are cut.
    static let maxMessageLength = 500

    /// An answer, read whole.
    struct Answer: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Why no answer came.
    struct TransportError: Error, Sendable {
        /// A request that can never be sent as configured (bad URL, bad header value): not worth retrying.
        var isConfigurationError: Bool
        /// What happened, without any header value.
        var message: String
    }

    let httpClient: ProviderHTTPClient

    /// Sends `method url` with `headers` and `body`, waiting at most `timeout` for the whole exchange.
    /// `secrets` are removed from any error text, in case a library ever quotes one.
    func send(
        _ method: HTTPMethod, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [], timeout: Duration,
        secrets: [String] = []
    ) async throws(TransportError) -> Answer {
        // Checked here, not left to the HTTP client: its error for a bad header value quotes the value.
        for header in headers where !Self.isValidHeaderValue(header.value) {
            throw TransportError(isConfigurationError: true, message: "the \(header.name) header has characters HTTP cannot carry")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        request.headers.add(name: "User-Agent", value: "gitops-bridge")
        if !body.isEmpty || method == .POST || method == .PUT { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await httpClient.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: Self.maxResponseBytes)
            return Answer(status: Int(response.status.code), headers: response.headers, body: Array(buffer: bytes))
        } catch {
            throw Self.transportError(error, url: url, secrets: secrets)
        }
    }

    static func transportError(_ error: any Error, url: String, secrets: [String]) -> TransportError {
        if let redirect = error as? RedirectRefused {
            return TransportError(isConfigurationError: true, message: ProviderHTTP.redact("request to \(url) \(redirect)", secrets: secrets))
        }
        if let error = error as? HTTPClientError {
            if error.description.hasPrefix("HTTPClientError.invalidHeaderField") {
                return TransportError(isConfigurationError: true, message: "request to \(url) failed: a header is not valid HTTP")
            }
            let configurationErrors: [HTTPClientError] = [.invalidURL, .emptyHost, .emptyScheme, .redirectLimitReached, .redirectCycleDetected]
            if configurationErrors.contains(error) || error.description.hasPrefix("HTTPClientError.unsupportedScheme") {
                return TransportError(
                    isConfigurationError: true, message: ProviderHTTP.redact("request to \(url) failed: \(error)", secrets: secrets))
            }
        }
        if error is NIOTooManyBytesError {
            return TransportError(
                isConfigurationError: true, message: "request to \(url) failed: the answer is larger than \(maxResponseBytes) bytes")
        }
        return TransportError(isConfigurationError: false, message: ProviderHTTP.redact("request to \(url) failed: \(error)", secrets: secrets))
    }

    /// Visible ASCII and spaces only: no control characters, so no header injection either.
    static func isValidHeaderValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x09 }
    }

    /// `text` on one line, cut to `maxMessageLength` characters.
    static func bounded(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return line.count <= maxMessageLength ? line : String(line.prefix(maxMessageLength)) + "…"
    }
}
