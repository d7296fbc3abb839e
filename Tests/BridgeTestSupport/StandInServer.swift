import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A request as the AWS stand-ins see it: plain values, read whole.
public struct StandInRequest: Sendable {
    public var method: String
    /// The raw path, percent-escapes kept.
    public var path: String
    public var query: String?
    /// The `Host` header as sent (HTTP/1's `Host` arrives as the request's authority).
    public var host: String
    /// Every header field in order, names as sent.
    public var fields: [(name: String, value: String)]
    public var body: [UInt8]

    /// The first value of the header `name` (any case).
    public func header(_ name: String) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body's `application/x-www-form-urlencoded` fields.
    public var form: [String: String] {
        var values: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part) }
            values[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return values
    }
}

/// The loopback HTTP server under each AWS stand-in: `127.0.0.1`, a free port, one handler for every request.
final class StandInServer: Sendable {
    private let running = Mutex<RunningServer?>(nil)
    let name: String

    init(name: String) {
        self.name = name
    }

    /// Why a stand-in could not start.
    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    var port: Int? { running.withLock { $0?.port } }

    /// Serves `handler` until `stop()`.
    func start(_ handler: @escaping @Sendable (StandInRequest) async -> FakeAnswer) async throws {
        guard port == nil else { throw StartError(description: "the \(name) stand-in is already serving") }
        let server: RunningServer
        do {
            server = try await RunningServer.start(name: name) { request in
                var request = request
                let body = (try? await request.collectBody(upTo: 1024 * 1024)).map { Array(buffer: $0) } ?? []
                let incoming = StandInRequest(
                    method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
                    host: request.head.authority ?? "", fields: request.headers.map { ($0.name.rawName, $0.value) }, body: body)
                return await handler(incoming).response
            }
        } catch {
            throw StartError(description: "the \(name) stand-in did not start: \(error)")
        }
        running.withLock { $0 = server }
    }

    /// Stops serving and waits until the port is closed. Safe to call twice.
    func stop() async {
        let server = running.withLock { server in
            defer { server = nil }
            return server
        }
        await server?.stop()
    }
}

/// Runs `body` with `standIn` started, and stops it afterwards whatever happens.
public func withStandIn<S: AWSStandIn, T>(
    _ standIn: S, isolation: isolated (any Actor)? = #isolation, _ body: (S) async throws -> T
) async throws -> T {
    try await standIn.start()
    do {
        let result = try await body(standIn)
        await standIn.stop()
        return result
    } catch {
        await standIn.stop()
        throw error
    }
}

/// What every AWS stand-in offers: start, stop, and its address.
public protocol AWSStandIn: Sendable {
    func start() async throws
    func stop() async
    /// `http://127.0.0.1:<port>` once started.
    var baseURL: String { get }
}
