import BridgeCore
import Foundation
import NIOHTTP1

/// Turns a forge's failed answer into a `ProviderError` that carries the forge's own message and never a credential:
/// the classification the commit-status reporters share (Gitea, Forgejo, Bitbucket Cloud). Each reporter reads its
/// forge's error shape; transport failures are `ProviderHTTP.transport`'s.
enum ForgeFailure {
    /// Forges' messages are short; anything longer is an HTML error page or a proxy's, cut to this many characters.
    static let maxMessageLength = 500

    /// Classifies a non-success answer: 408, 429 and 5xx are retryable (after `Retry-After` when given), the rest
    /// permanent. `message` is the forge's own, read from its error shape (nil: the body's text, or the status's
    /// reason phrase when there is none). `now` dates an HTTP-date `Retry-After` when the answer has no `Date` header.
    static func classify(_ answer: HTTPAnswer, forge: String, message: String?, now: Date, secrets: [String]) -> ProviderError {
        let text = ProviderHTTP.redact("\(forge) \(answer.status): \(bounded(message ?? bodyText(answer)))", secrets: secrets)
        switch answer.status {
        case 408, 429, 500..<600:
            let serverNow = answer.headers.first(name: "Date").flatMap(RetryAfter.httpDate) ?? now
            return .retryable(text, retryAfter: RetryAfter.parse(answer.headers.first(name: "Retry-After"), now: serverNow))
        default:
            return .permanent(text)
        }
    }

    /// The body as one line of text (a proxy's page, a plain-text throttle), or the reason phrase when it is empty.
    static func bodyText(_ answer: HTTPAnswer) -> String {
        let text = String(decoding: answer.body, as: UTF8.self).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return text.isEmpty ? HTTPResponseStatus(statusCode: answer.status).reasonPhrase : text
    }

    static func bounded(_ text: String) -> String {
        text.count <= maxMessageLength ? text : String(text.prefix(maxMessageLength)) + "…"
    }

    /// Whether `value` can be sent as (part of) an HTTP header value: visible ASCII only. Checked before sending, not
    /// left to the HTTP client, whose error for a bad header value quotes the value.
    static func isHeaderSafe(_ value: [UInt8]) -> Bool {
        !value.isEmpty && value.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// The password of a base URL's `user:password@`, as written and decoded, if any: removed from messages like a token.
    static func urlPasswords(_ url: String) -> [String] {
        guard let components = URLComponents(string: url) else { return [] }
        return [components.percentEncodedPassword, components.password].compactMap { $0 }.filter { !$0.isEmpty }
    }

    /// `url` without any `user:password@`, for messages.
    static func withoutUserInfo(_ url: String) -> String {
        var components = URLComponents(string: url)
        components?.user = nil
        components?.password = nil
        return components?.string ?? url
    }
}
