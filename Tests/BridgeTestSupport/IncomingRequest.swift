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
