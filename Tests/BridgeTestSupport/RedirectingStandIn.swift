import Foundation
import Synchronization

/// Stands in for a service that has moved, or a hostile proxy: every request to `baseURL` (on `127.0.0.1`) is
/// answered `302 Found` with `Location` on another host and port (`http://localhost:<port>`, the same path and query),
/// where a second server records whatever reaches it. A client that never follows redirects leaves `received`
/// empty; one that follows them shows there which headers (and so which credentials) it carried along.
public final class RedirectingStandIn: AWSStandIn {
    /// A request that followed the redirect: its method, path and header names (values are not kept: they may be
    /// credentials).
    public struct Followed: Sendable, Hashable {
        public var method: String
        public var path: String
        public var headerNames: [String]
    }

    let redirector = StandInServer(name: "redirecting-stand-in")
    let destination = StandInServer(name: "redirect-destination")
    private let state = Mutex<(redirected: Int, received: [Followed])>((0, []))

    public init() {}

    public func start() async throws {
        try await destination.start { [self] request in
            let names = request.fields.map { $0.name.lowercased() }
            state.withLock { $0.received.append(Followed(method: request.method, path: request.path, headerNames: names)) }
            return FakeAnswer(status: 200, contentType: "application/json", body: #"{"id": "followed"}"#)
        }
        try await redirector.start { [self] request in
            state.withLock { $0.redirected += 1 }
            let query = request.query.map { "?\($0)" } ?? ""
            var answer = FakeAnswer(status: 302, contentType: "text/plain", body: "moved\n")
            answer.headers["Location"] = "\(destinationURL)\(request.path)\(query)"
            return answer
        }
    }

    public func stop() async {
        await redirector.stop()
        await destination.stop()
    }

    /// Where clients are pointed: `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(redirector.port ?? 0)" }
    /// Where the redirects point: `http://localhost:<other port>`, another host as far as a client can tell.
    public var destinationURL: String { "http://localhost:\(destination.port ?? 0)" }
    /// How many requests were answered with a redirect.
    public var redirected: Int { state.withLock { $0.redirected } }
    /// Every request that reached the destination: none unless a client followed a redirect.
    public var received: [Followed] { state.withLock { $0.received } }
}
