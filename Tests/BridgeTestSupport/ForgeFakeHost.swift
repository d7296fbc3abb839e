import BridgeCore
import Foundation
import Synchronization

/// A canned answer a commit-status fake (`GiteaFake`, `BitbucketFake`) serves before its normal handling, in the order
/// queued.
public enum ForgeFakeFault: Sendable, Hashable {
    /// 429 in the forge's error shape, with `Retry-After: <value>` when given.
    case tooManyRequests(retryAfter: String?)
    /// 500 in the forge's error shape.
    case serverError
    /// Any other answer: a proxy's 502 page, a 422 with a given message, a 200 sign-in page.
    case response(status: Int, contentType: String, body: String, headers: [String: String] = [:])
    /// Waits, then handles the request normally: makes a client's timeout fire.
    case delay(Duration)
}

/// One request as a commit-status fake received it.
public struct ForgeFakeRequest: Sendable, Hashable {
    public var method: String
    /// The raw path, percent-escapes kept.
    public var path: String
    public var query: String?
    /// Lowercased names; `authorization` keeps its scheme only (`Bearer [REDACTED]`).
    public var headers: [String: String]
    /// The body decoded as JSON, nil when it is not JSON.
    public var body: ConfigValue?
    public var bodyText: String
    /// The status the fake answered.
    public var responseStatus: Int
}

/// What the commit-status fakes share: the loopback server (`StandInServer`, on `RunningServer`), the queue of faults,
/// the record of requests, and the forge's own `Model`, all behind one lock so the recorded order is the order served.
final class ForgeFakeHost<Model: Sendable>: Sendable {
    struct Contents: Sendable {
        var faults: [ForgeFakeFault] = []
        var requests: [ForgeFakeRequest] = []
        var model: Model
    }

    private let server: StandInServer
    private let contents: Mutex<Contents>

    init(name: String, model: Model) {
        server = StandInServer(name: name)
        contents = Mutex(Contents(model: model))
    }

    /// Serves until `stop()`: a queued fault first (its 429 and 500 in the forge's shape: `tooManyRequests` with the
    /// `Retry-After` value, if any, and `serverError`), else `handle`.
    func start(
        handle: @escaping @Sendable (StandInRequest, inout Model) -> FakeAnswer,
        tooManyRequests: @escaping @Sendable (String?) -> FakeAnswer, serverError: FakeAnswer
    ) async throws {
        try await server.start { [self] request in
            let fault = contents.withLock { $0.faults.isEmpty ? nil : $0.faults.removeFirst() }
            if case .delay(let duration) = fault {
                try? await Task.sleep(for: duration)
            }
            return contents.withLock { contents in
                let answer: FakeAnswer
                switch fault {
                case .tooManyRequests(let retryAfter)?:
                    answer = tooManyRequests(retryAfter)
                case .serverError?:
                    answer = serverError
                case .response(let status, let contentType, let body, let headers)?:
                    answer = FakeAnswer(status: status, contentType: contentType, body: body, headers: headers)
                case .delay?, nil:
                    answer = handle(request, &contents.model)
                }
                contents.requests.append(Self.record(request, status: answer.status))
                return answer
            }
        }
    }

    /// Stops serving and waits until the port is closed. Safe to call twice.
    func stop() async {
        await server.stop()
    }

    var port: Int? { server.port }

    func inject(_ fault: ForgeFakeFault, times: Int) {
        contents.withLock { $0.faults += Array(repeating: fault, count: max(0, times)) }
    }

    var requests: [ForgeFakeRequest] { contents.withLock { $0.requests } }

    /// Reads the model under the lock.
    func read<T: Sendable>(_ body: (Model) -> T) -> T {
        contents.withLock { body($0.model) }
    }

    /// What a fake keeps of a request: never its credentials.
    static func record(_ request: StandInRequest, status: Int) -> ForgeFakeRequest {
        var headers = request.headers
        if let authorization = headers["authorization"] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            headers["authorization"] = parts.count == 2 ? "\(parts[0]) [REDACTED]" : "[REDACTED]"
        }
        return ForgeFakeRequest(
            method: request.method, path: request.path, query: request.query, headers: headers,
            body: try? JSONDecoder().decode(ConfigValue.self, from: Data(request.body)),
            bodyText: String(decoding: request.body, as: UTF8.self), responseStatus: status)
    }
}

extension StandInRequest {
    /// The query's `name=value` pairs, percent-decoded.
    var queryItems: [String: String] {
        var items: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part) }
            items[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return items
    }

    /// The path's segments after `root`, percent-decoded; nil when the path is not under `root`.
    func segments(under root: String) -> [String]? {
        guard path.hasPrefix(root) else { return nil }
        return path.dropFirst(root.count).split(separator: "/", omittingEmptySubsequences: false).map {
            $0.removingPercentEncoding ?? String($0)
        }
    }

    /// The credentials of `Authorization: Basic …`, split at the first colon; nil for any other header.
    var basicCredentials: (user: String, password: String)? {
        guard let value = header("authorization"), value.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(value.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
