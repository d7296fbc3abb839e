import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOCore
import NIOHTTP1

/// Plain HTTP to a loopback fake, to check the fake's contract apart from the clients that will talk to it.
enum LoopbackHTTP {
    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var text: String
        var json: ConfigValue? { try? JSONDecoder().decode(ConfigValue.self, from: Data(text.utf8)) }
    }

    /// Sends the request as given: a `Host` among `headers` replaces the one the client would write.
    static func send(_ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1024 * 1024)
        return Answer(status: Int(response.status.code), headers: response.headers, text: String(buffer: bytes))
    }
}
