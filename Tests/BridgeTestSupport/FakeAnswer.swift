import BridgeCore
import Foundation
import Hummingbird
import NIOCore

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
