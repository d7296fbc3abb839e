import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The only HTTP client a provider, a status reporter, the AWS credentials chain or `send` can be built with: one
/// that never follows a redirect.
///
/// A redirect would carry the request's credentials (`PRIVATE-TOKEN`, `Authorization: token …`, SigV4 and Alibaba
/// signatures, the container credentials token) to wherever it points: AsyncHTTPClient strips only `Authorization`
/// across origins. The wrapped client is made here with `redirectConfiguration: .disallow` and never handed out, so no
/// caller can pass one that follows redirects; a 3xx answer becomes a `RedirectRefused` error naming where it pointed.
///
/// Call `shutdown()` once it is no longer needed (the server's `HTTPClientService` does, last).
public final class ProviderHTTPClient: Sendable {
    private let client: HTTPClient

    /// A client with its own connection pool on the shared event loop group; `connect` and `read` bound each
    /// connection attempt and each wait for bytes, under any per-request timeout.
    public init(connect: Duration = .seconds(10), read: Duration = .seconds(60)) {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: Self.amount(connect), read: Self.amount(read))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes every connection. The client cannot be used afterwards.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// Sends `request`, waiting at most `timeout` for the answer's head. A redirect (any 3xx but 304) is never
    /// followed: it throws `RedirectRefused`, after the answer's body is dropped.
    func execute(_ request: HTTPClientRequest, timeout: Duration) async throws -> HTTPClientResponse {
        let response = try await client.execute(request, timeout: Self.amount(timeout))
        let status = Int(response.status.code)
        guard (300..<400).contains(status), status != 304 else { return response }
        _ = try? await response.body.collect(upTo: 64 * 1024)
        throw RedirectRefused(status: status, location: response.headers.first(name: "Location"))
    }

    static func amount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// An answer that redirected elsewhere, which the bridge never follows (credentials would go along).
public struct RedirectRefused: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    /// The `Location` header as sent, if any.
    public var location: String?

    public init(status: Int, location: String?) {
        self.status = status
        self.location = location
    }

    /// `answered 302 Found, a redirect to http://localhost:8080/x, which is not followed: …`. The location is shown
    /// without its query and any `user:password@`, which could hold a token.
    public var description: String {
        let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        let target = location.map { ", a redirect to \(Self.shown($0))" } ?? ", a redirect"
        return "answered \(status) \(reason)\(target), which gitops-bridge never follows (the request's credentials would go "
            + "along): configure the address the service answers at"
    }

    static func shown(_ location: String) -> String {
        var text = Substring(location.prefix(300))
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        if let scheme = text.range(of: "://") {
            let authorityEnd = text[scheme.upperBound...].firstIndex(of: "/") ?? text.endIndex
            if let at = text[scheme.upperBound..<authorityEnd].lastIndex(of: "@") {
                text = text[..<scheme.upperBound] + text[text.index(after: at)...]
            }
        }
        return String(text)
    }
}
