import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOCore
import NIOHTTP1

/// Posts a signed webhook delivery, as `gitops-bridge send` does to set up or try out a hook. It never follows a
/// redirect: the delivery's signature headers would go along (`RedirectRefused` is thrown instead).
public struct WebhookSender: Sendable {
    /// What the bridge answered.
    public struct Answer: Sendable {
        public var status: Int
        public var body: String
    }

    private let httpClient: ProviderHTTPClient

    public init(httpClient: ProviderHTTPClient) {
        self.httpClient = httpClient
    }

    /// Posts `body` with `headers` to `url`, waiting at most `timeout`.
    public func post(url: String, headers: [(name: String, value: String)], body: [UInt8], timeout: Duration = .seconds(30)) async throws
        -> Answer
    {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        request.headers.replaceOrAdd(name: "User-Agent", value: "gitops-bridge-send")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await httpClient.execute(request, timeout: timeout)
        let answer = try await response.body.collect(upTo: 1024 * 1024)
        return Answer(status: Int(response.status.code), body: String(buffer: answer))
    }
}
