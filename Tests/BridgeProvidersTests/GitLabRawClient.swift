import AsyncHTTPClient
import BridgeCore
import BridgeTestSupport
import Foundation
import NIOCore
import NIOHTTP1

/// Plain HTTP against the GitLab fake, to check its contract independently of the reporter.
struct GitLabRawClient {
    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var text: String
        var json: ConfigValue? { try? JSONDecoder().decode(ConfigValue.self, from: Data(text.utf8)) }
        /// `message` or `error`, rendered as compact JSON text.
        var errorText: String? { (json?["message"] ?? json?["error"]).map { $0.stringValue ?? $0.jsonText } }
    }

    var baseURL: String
    var token: String? = GitLabFake.defaultToken

    init(_ fake: GitLabFake, token: String? = GitLabFake.defaultToken) {
        self.baseURL = fake.baseURL
        self.token = token
    }

    func send(
        _ method: HTTPMethod, _ path: String, json: ConfigValue? = nil, body: String? = nil, contentType: String = "application/json",
        headers extra: [(String, String)] = [], timeout: TimeAmount = .seconds(10)
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "PRIVATE-TOKEN", value: token) }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let text = json?.jsonText ?? body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: text))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 1024 * 1024)
        return Answer(status: Int(response.status.code), headers: response.headers, text: String(buffer: bytes))
    }

    /// A complete create body, minus `omitting`, with `overrides` applied.
    static func createBody(omitting: Set<String> = [], _ overrides: [String: ConfigValue] = [:]) -> ConfigValue {
        var members: [String: ConfigValue] = [
            "environment": .string("staging"), "sha": .string("3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"), "ref": .string("main"),
            "tag": .bool(false), "status": .string("running"),
        ]
        for name in omitting { members[name] = nil }
        members.merge(overrides) { $1 }
        return .object(members)
    }
}
