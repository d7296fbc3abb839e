import BridgeCore
import Foundation
import NIOHTTP1

/// Turns GitHub's failures into `ProviderError`s that carry GitHub's own message and never a credential.
///
/// https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api — a primary limit answers 403 or
/// 429 with `x-ratelimit-remaining: 0` (wait until `x-ratelimit-reset`, epoch seconds); a secondary limit answers 403
/// or 429 with `retry-after`, or with a message about a secondary rate limit and no header (wait at least a minute).
/// Both are `.rateLimited`: the outbox waits them out without counting a failure.
enum GitHubFailure {
    /// GitHub's messages are short; anything longer is an HTML error page or a proxy's, cut to this many characters.
    static let maxMessageLength = 500
    /// The wait for a secondary limit that names none.
    static let secondaryLimitWait: Duration = .seconds(60)
    /// The wait for a primary limit whose reset time is missing or unreadable: the limit's window is an hour, but
    /// the outbox asks again after this and is told the real wait then.
    static let primaryLimitFallbackWait: Duration = .seconds(60)

    /// Classifies an answer that is not the one the call expects: a rate limit is `.rateLimited`; 408, 429 and 5xx
    /// are retryable (after `Retry-After` when given); the rest, such as 401, 404, 409, 422 and a 202 with a message
    /// instead of a deployment, permanent. `now` dates the wait when the answer has no `Date` header.
    static func classify(_ answer: HTTPAnswer, now: Date, redacting secrets: [String]) -> ProviderError {
        let text = bodyMessage(answer)
        let message = ProviderHTTP.redact("GitHub \(answer.status): \(text)", secrets: secrets)
        let serverNow = answer.headers.first(name: "Date").flatMap(RetryAfter.httpDate) ?? now
        if answer.status == 403 || answer.status == 429, let wait = rateLimitWait(answer, message: text, now: serverNow) {
            return .rateLimited(message, retryAfter: wait)
        }
        switch answer.status {
        case 408, 429, 500..<600:
            return .retryable(message, retryAfter: RetryAfter.parse(answer.headers.first(name: "Retry-After"), now: serverNow))
        default:
            return .permanent(message)
        }
    }

    /// How long a rate-limited answer asks to wait; nil when the answer is not a rate limit (a 403 for missing
    /// permissions, say). `now` is GitHub's clock when it sent its `Date`, so a skewed local clock does not matter.
    static func rateLimitWait(_ answer: HTTPAnswer, message: String, now: Date) -> Duration? {
        let retryAfter = RetryAfter.parse(answer.headers.first(name: "Retry-After"), now: now)
        if answer.headers.first(name: "x-ratelimit-remaining")?.trimmingCharacters(in: .whitespaces) == "0" {
            guard let reset = answer.headers.first(name: "x-ratelimit-reset").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) })
            else { return retryAfter ?? primaryLimitFallbackWait }
            let untilReset = Duration.milliseconds(Int64((max(0, reset - now.timeIntervalSince1970) * 1000).rounded(.up)))
            return max(untilReset, retryAfter ?? .zero)
        }
        if let retryAfter { return retryAfter }
        return message.lowercased().contains("secondary rate limit") ? secondaryLimitWait : nil
    }

    /// GitHub's `message`, followed by what its `errors` say (`Validation Failed: description is too long (maximum is
    /// 140 characters)`), or the text of a non-JSON body (a proxy's page), or the status's reason phrase.
    static func bodyMessage(_ answer: HTTPAnswer) -> String {
        if case .object(let members)? = answer.json, let message = members["message"]?.stringValue {
            var details: [String] = []
            if case .array(let items)? = members["errors"] { details = items.compactMap(detail) }
            return bounded(details.isEmpty ? message : "\(message): \(details.joined(separator: "; "))")
        }
        let text = String(decoding: answer.body, as: UTF8.self).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return text.isEmpty ? HTTPResponseStatus(statusCode: answer.status).reasonPhrase : bounded(text)
    }

    /// One item of `errors`: its `message`, else `resource.field code` (`Deployment.ref missing_field`), or the item
    /// itself when GitHub sent a string.
    static func detail(_ item: ConfigValue) -> String? {
        if let text = item.stringValue { return text }
        guard case .object(let members) = item else { return nil }
        if let message = members["message"]?.stringValue { return message }
        let place = [members["resource"]?.stringValue, members["field"]?.stringValue].compactMap { $0 }.joined(separator: ".")
        let code = members["code"]?.stringValue ?? "invalid"
        return place.isEmpty ? code : "\(place) \(code)"
    }

    static func bounded(_ text: String) -> String {
        text.count <= maxMessageLength ? text : String(text.prefix(maxMessageLength)) + "…"
    }
}
