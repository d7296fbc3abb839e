import BridgeCore
import Foundation
import Hummingbird
import NIOCore

/// A request as the fake's handlers see it: plain values, read whole.
struct IncomingRequest: Sendable {
    static let credentialHeaders: Set<String> = ["private-token", "authorization", "job-token"]

    var method: String
    /// The raw path, percent-escapes kept: `acme%2Fshop` must stay one segment.
    var path: String
    var query: String?
    /// Lowercased names; repeated fields joined with `, `.
    var headers: [String: String]
    var body: [UInt8]

    init(method: String, path: String, query: String?, headers: [String: String], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    init(request: Request, body: [UInt8]) {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        self.init(method: request.method.rawValue, path: request.uri.path, query: request.uri.query, headers: headers, body: body)
    }

    /// The query's and the body's parameters, the body's winning, as Grape merges them; nil when the body is
    /// neither a JSON object nor a form.
    func parameters() -> [String: ConfigValue]? {
        var parameters = Self.form(query ?? "")
        if body.isEmpty { return parameters }
        if headers["content-type"]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
            parameters.merge(Self.form(String(decoding: body, as: UTF8.self))) { $1 }
            return parameters
        }
        guard let json = try? JSONDecoder().decode(ConfigValue.self, from: Data(body)), case .object(let members) = json else {
            return nil
        }
        parameters.merge(members) { $1 }
        return parameters
    }

    /// `a=1&b=x+y` as string values.
    static func form(_ text: String) -> [String: ConfigValue] {
        var values: [String: ConfigValue] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part) }
            values[decode(parts[0])] = .string(parts.count > 1 ? decode(parts[1]) : "")
        }
        return values
    }

    /// What the fake keeps of the request: never a credential.
    func record(status: Int) -> GitLabFake.RecordedRequest {
        var headers = headers
        for name in Self.credentialHeaders where headers[name] != nil { headers[name] = "[REDACTED]" }
        return GitLabFake.RecordedRequest(
            method: method, path: path, query: query, headers: headers,
            body: try? JSONDecoder().decode(ConfigValue.self, from: Data(body)),
            bodyText: String(decoding: body, as: UTF8.self), responseStatus: status)
    }
}

/// An answer as the handlers build it.
struct FakeAnswer: Sendable {
    static let jsonType = "application/json"

    var status: Int
    var contentType: String
    var body: String
    var headers: [String: String] = [:]

    static func json(_ status: Int, _ value: ConfigValue) -> FakeAnswer {
        FakeAnswer(status: status, contentType: jsonType, body: value.jsonText)
    }

    /// GitLab's own errors: `{"message": "404 Project Not Found"}` or `{"message": {"ref": [...]}}`.
    static func message(_ status: Int, _ message: ConfigValue) -> FakeAnswer {
        json(status, .object(["message": message]))
    }

    /// Grape's errors: `{"error": "status does not have a valid value"}`.
    static func error(_ status: Int, _ text: String) -> FakeAnswer {
        json(status, .object(["error": .string(text)]))
    }

    /// The canned answer of a fault; nil for a delay, which answers normally.
    init?(fault: GitLabFake.Fault) {
        switch fault {
        case .tooManyRequests(let retryAfter):
            let error = ConfigValue.string("This endpoint has been requested too many times. Try again later.")
            self = .message(429, .object(["error": error]))
            if let retryAfter { headers["Retry-After"] = retryAfter }
        case .throttled(let retryAfter):
            self.init(status: 429, contentType: "text/plain", body: "Retry later\n")
            headers = [
                "RateLimit-Name": "throttle_authenticated_api", "RateLimit-Limit": "600", "RateLimit-Observed": "601", "RateLimit-Remaining": "0",
            ]
            if let retryAfter { headers["Retry-After"] = retryAfter }
        case .serverError:
            self = .message(500, .string("500 Internal Server Error"))
        case .response(let status, let contentType, let body, let headers):
            self.init(status: status, contentType: contentType, body: body, headers: headers)
        case .delay:
            return nil
        }
    }

    init(status: Int, contentType: String, body: String, headers: [String: String] = [:]) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    var response: Response {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        for (name, value) in headers {
            if let name = HTTPFields.Element.Name(name) { fields[name] = value }
        }
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
