import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOCore
import NIOHTTP1

/// Turns GitLab's failures into `ProviderError`s that carry GitLab's own message and never the token.
enum GitLabFailure {
    /// GitLab's messages are short; anything longer is an HTML error page or a proxy's, cut to this many characters.
    static let maxMessageLength = 500

    /// Classifies a non-success answer: 408, 429 and 5xx are retryable (after `Retry-After` when given), the rest
    /// permanent. `now` dates an HTTP-date `Retry-After` when the answer has no `Date` header.
    static func classify(_ answer: GitLabAnswer, now: Date, redacting secret: String) -> ProviderError {
        var message = "GitLab \(answer.status): \(bodyMessage(answer))"
        if (300..<400).contains(answer.status) {
            // Only seen with a client that does not follow redirects: say where GitLab lives now.
            let location = answer.headers.first(name: "Location").map { " to \(bounded($0))" } ?? ""
            message = "GitLab \(answer.status): redirected\(location); set the base URL to GitLab's own address"
        }
        message = redact(message, secret: secret)
        switch answer.status {
        case 408, 429, 500..<600:
            let serverNow = answer.headers.first(name: "Date").flatMap(RetryAfter.httpDate) ?? now
            return .retryable(message, retryAfter: RetryAfter.parse(answer.headers.first(name: "Retry-After"), now: serverNow))
        default:
            return .permanent(message)
        }
    }

    /// Classifies a request that got no answer: a bad base URL is permanent, everything else (refused connection,
    /// timeout, reset, cancellation) retryable.
    static func transportFailure(_ error: any Error, url: String, redacting secret: String) -> ProviderError {
        if let redirect = error as? RedirectRefused {
            return .permanent(redact("GitLab request to \(url) \(redirect)", secret: secret))
        }
        let message = redact("GitLab request to \(url) failed: \(error)", secret: secret)
        if let error = error as? HTTPClientError {
            // This error's description quotes the offending header values, and the token is one of the headers.
            if error.description.hasPrefix("HTTPClientError.invalidHeaderField") {
                return .permanent("GitLab request to \(url) failed: a header name or value is not valid HTTP")
            }
            let configurationErrors: [HTTPClientError] = [
                .invalidURL, .emptyHost, .emptyScheme, .redirectLimitReached, .redirectCycleDetected,
            ]
            if configurationErrors.contains(error) || error.description.hasPrefix("HTTPClientError.unsupportedScheme") {
                return .permanent(message)
            }
        }
        if error is NIOTooManyBytesError {
            return .permanent(redact("GitLab request to \(url) failed: the answer is larger than any GitLab answer", secret: secret))
        }
        return .retryable(message)
    }

    /// GitLab's message from `{"message": <string | object>}`, Grape's `{"error": "..."}` (with an OAuth
    /// `error_description`), or the text of a non-JSON body (Rack::Attack's `Retry later`, a proxy's page).
    static func bodyMessage(_ answer: GitLabAnswer) -> String {
        if let json = try? JSONDecoder().decode(ConfigValue.self, from: Data(answer.body)), case .object(let members) = json {
            if let message = members["message"] {
                return bounded(render(message))
            }
            if let error = members["error"] {
                let description = members["error_description"].map { ": \(render($0))" } ?? ""
                return bounded(render(error) + description)
            }
        }
        let text = String(decoding: answer.body, as: UTF8.self).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if text.isEmpty {
            return HTTPResponseStatus(statusCode: answer.status).reasonPhrase
        }
        return bounded(text)
    }

    /// Rails' validation hashes the way GitLab's docs print them: `{ref: [The branch or tag does not exist]}`.
    static func render(_ value: ConfigValue) -> String {
        switch value {
        case .string(let text): text
        case .array(let values): "[" + values.map(render).joined(separator: ", ") + "]"
        case .object(let members): "{" + members.keys.sorted().map { "\($0): \(render(members[$0] ?? .null))" }.joined(separator: ", ") + "}"
        case .null, .bool, .int, .double: value.description
        }
    }

    static func bounded(_ text: String) -> String {
        text.count <= maxMessageLength ? text : String(text.prefix(maxMessageLength)) + "…"
    }

    /// Defence in depth: no message leaves with the token in it, even if an answer echoes it.
    static func redact(_ message: String, secret: String) -> String {
        secret.isEmpty ? message : message.replacingOccurrences(of: secret, with: "[REDACTED]")
    }
}
