import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOCore

/// Turns what went wrong on the way to AWS into `ProviderError`s that never carry a secret.
enum AWSFailure {
    /// A request that got no answer: a malformed endpoint is permanent, everything else (refused connection, timeout,
    /// reset, TLS trouble) retryable.
    static func transport(_ error: any Error, call: String, url: String, secrets: [String]) -> ProviderError {
        let prefix = "\(call) request to \(url) failed"
        if let error = error as? HTTPClientError {
            // This error's description quotes header values, and the signature and session token are headers.
            if error.description.hasPrefix("HTTPClientError.invalidHeaderField") {
                return .permanent("\(prefix): a header name or value is not valid HTTP")
            }
            let configurationErrors: [HTTPClientError] = [.invalidURL, .emptyHost, .emptyScheme]
            if configurationErrors.contains(error) || error.description.hasPrefix("HTTPClientError.unsupportedScheme") {
                return .permanent(redact("\(prefix): \(error)", secrets: secrets))
            }
        }
        if error is NIOTooManyBytesError {
            return .permanent("\(prefix): the answer is larger than any AWS answer")
        }
        return .retryable(redact("\(prefix): \(error)", secrets: secrets))
    }

    /// Defence in depth: no message leaves with a secret in it, even if an answer echoes one.
    static func redact(_ message: String, secrets: [String]) -> String {
        secrets.filter { !$0.isEmpty }.reduce(message) { $0.replacingOccurrences(of: $1, with: "[REDACTED]") }
    }
}
