import BridgeCore
import Foundation
import NIOHTTP1

/// An AWS error answer, read whichever way it was written: the `x-amzn-ErrorType` header (`Code:namespace`), a JSON
/// body (`__type` as `namespace#Code`, or `code`/`Code`; `message`/`Message`), or the IAM-style XML that moto sends
/// when it refuses a signature (`<ErrorResponse><Errors><Error><Code>…`; providers.md §4).
struct AWSError: Sendable, Hashable, CustomStringConvertible {
    /// Longer messages are a proxy's page, not AWS's: cut to this many characters.
    static let maxMessageLength = 500

    /// Throttling codes as botocore's standard retry mode knows them (`retries/standard.py`), less
    /// `LimitExceededException`, which only API Gateway uses for throttling.
    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
        "RequestThrottled", "SlowDown", "EC2ThrottledException",
    ]
    /// Codes worth another try: botocore's transient ones, AWS's documented server faults, and an expired session token,
    /// which the credentials provider replaces before the next attempt.
    static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "InternalFailure", "InternalError",
        "InternalServerError", "InternalServerException", "ServiceUnavailable", "ServiceUnavailableException", "ExpiredToken",
        "ExpiredTokenException",
    ]

    var status: Int
    /// AWS's error code; nil when the answer names none (a proxy's page, moto's HTML 500).
    var code: String?
    var message: String?
    /// From `Retry-After`, when the answer has one.
    var retryAfter: Duration?

    init(status: Int, code: String?, message: String?, retryAfter: Duration? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    /// Reads a non-success answer. `now` dates an HTTP-date `Retry-After` when the answer has no `Date` header.
    init(_ answer: AWSAnswer, now: Date) {
        status = answer.status
        let serverNow = answer.headers.first(name: "Date").flatMap(RetryAfter.httpDate) ?? now
        retryAfter = RetryAfter.parse(answer.headers.first(name: "Retry-After"), now: serverNow)
        let headerCode = answer.headers.first(name: "x-amzn-ErrorType").map { Self.stripped(String($0.prefix { $0 != ":" })) }
        if let json = try? JSONDecoder().decode(ConfigValue.self, from: Data(answer.body)), case .object(let members) = json {
            let bodyCode = (members["__type"] ?? members["code"] ?? members["Code"])?.stringValue.map {
                Self.stripped(String($0.split(separator: "#").last ?? ""))
            }
            code = headerCode ?? bodyCode
            message = (members["message"] ?? members["Message"] ?? members["errorMessage"])?.stringValue.map(Self.bounded)
        } else if let xml = XMLError(answer.body) {
            code = headerCode ?? xml.code
            message = xml.message.map(Self.bounded)
        } else {
            code = headerCode
            message = Self.plainText(answer.body)
        }
        if code?.isEmpty == true { code = nil }
    }

    /// `NotFoundException: Invalid Rest API Id specified`; `HTTP 502 Bad Gateway` when the answer names no code.
    var description: String {
        let code = code ?? "HTTP \(status) \(HTTPResponseStatus(statusCode: status).reasonPhrase)"
        guard let message, !message.isEmpty else { return code }
        return "\(code): \(message)"
    }

    var isThrottling: Bool {
        status == 429 || code.map(Self.throttlingCodes.contains) == true
    }

    var isTransient: Bool {
        (500..<600).contains(status) || code.map(Self.transientCodes.contains) == true
    }

    /// The message with `secrets` (a secret key, a session token) replaced, should an answer ever echo one.
    func redacting(_ secrets: [String]) -> AWSError {
        var copy = self
        copy.message = message.map { ProviderHTTP.redact($0, secrets: secrets) }
        copy.code = code.map { ProviderHTTP.redact($0, secrets: secrets) }
        return copy
    }

    private static func stripped(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespaces)
    }

    static func bounded(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count <= maxMessageLength ? flat : String(flat.prefix(maxMessageLength)) + "…"
    }

    /// A short text body as its message; HTML and empty bodies give none (the status says enough).
    private static func plainText(_ body: [UInt8]) -> String? {
        let text = String(decoding: body, as: UTF8.self).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard !text.isEmpty, !text.hasPrefix("<") else { return nil }
        return bounded(text)
    }
}

/// The first `<Code>` and `<Message>` of an XML error document (IAM/STS query style, S3 style, moto's 403).
struct XMLError: Sendable, Hashable {
    var code: String?
    var message: String?

    init?(_ body: [UInt8]) {
        let text = String(decoding: body, as: UTF8.self)
        guard text.contains("<Error>") || text.contains("<ErrorResponse") else { return nil }
        code = Self.element("Code", in: text)
        message = Self.element("Message", in: text)
        if code == nil && message == nil { return nil }
    }

    static func element(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return unescaped(String(text[open.upperBound..<close.lowerBound])).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// XML's five predefined entities (`&amp;` last, so `&amp;lt;` stays `&lt;`).
    static func unescaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
