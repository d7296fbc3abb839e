import BridgeCore
import Foundation

extension PulumiFake {
    /// A deployment's status, Pulumi's `ListDeploymentSnapshot` enum; there is no distinct canceled status.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case notStarted = "not-started"
        case accepted, running, failed, succeeded, skipped

        public var isTerminal: Bool { self == .failed || self == .succeeded || self == .skipped }
    }

    /// One line of a deployment's log: a section header, or a timestamped line of output.
    public enum LogLine: Sendable, Hashable {
        case header(String)
        case line(String, timestamp: String)

        var json: ConfigValue {
            switch self {
            case .header(let text): .object(["header": .string(text)])
            case .line(let text, let timestamp): .object(["timestamp": .string(timestamp), "line": .string(text)])
            }
        }
    }

    /// A canned answer served before the normal handling, in the order queued.
    public enum Fault: Sendable, Hashable {
        /// 429 `{"code":429,"message":"Too Many Requests"}`, with `Retry-After: <value>` when given (Pulumi documents none).
        case tooManyRequests(retryAfter: String?)
        /// 500 `{"code":500,"message":"Internal Server Error"}`.
        case serverError
        /// 503 `{"code":503,"message":"Service Unavailable"}`.
        case serviceUnavailable
    }

    /// A secret field of a create body as received: what a test asserts to see that a client resolved its secrets.
    /// Its description never shows the value.
    public struct ReceivedSecret: Sendable, Hashable, CustomStringConvertible {
        public var value: String
        /// Whether it came as `{"secret": "…"}` rather than as a plain string.
        public var markedSecret: Bool

        public init(value: String, markedSecret: Bool) {
            self.value = value
            self.markedSecret = markedSecret
        }

        public var description: String { markedSecret ? #"{"secret":"[REDACTED]"}"# : "[REDACTED]" }
    }

    /// A deployment the fake created.
    public struct Deployment: Sendable, Hashable {
        public var id: String
        /// `org/project/stack`.
        public var stack: String
        /// Counts per stack from 1.
        public var version: Int
        /// The create body as received, every secret (and every unknown field) `[REDACTED]`; `receivedSecrets` has them.
        public var request: ConfigValue
        /// `operation`, nil when the request inherited it from the stack's settings.
        public var operation: String?
        public var inheritSettings: Bool
        /// The statuses GETs walk through; the last repeats. Canceling replaces the rest with `failed`.
        public var statuses: [Status]
        /// How many GETs of the deployment were answered.
        public var shown: Int
        /// Whether a cancel was accepted.
        public var canceled: Bool
        public var created: Date
        /// Log pages handed out: `nextToken` → the line it starts at.
        var logTokens: [String: Int] = [:]

        /// The status last shown to a GET (the first one before any GET).
        public var status: Status { statuses[min(max(shown - 1, 0), statuses.count - 1)] }

        /// The status the next GET shows.
        var next: Status { statuses[min(shown, statuses.count - 1)] }

        var names: (org: String, project: String, stack: String) {
            let parts = stack.split(separator: "/").map(String.init)
            return (parts.first ?? "", parts.dropFirst().first ?? "", parts.last ?? "")
        }
    }

    /// One request as the fake received it.
    public struct RecordedRequest: Sendable, Hashable {
        public var method: String
        public var path: String
        public var query: String?
        /// Lowercased names; `authorization` is `[REDACTED]`.
        public var headers: [String: String]
        /// The body decoded as JSON with secrets and unknown fields `[REDACTED]`; nil when it is not JSON.
        public var body: ConfigValue?
        public var responseStatus: Int
    }
}

/// Everything the Pulumi fake remembers, guarded by its mutex.
struct PulumiFakeState: Sendable {
    var faults: [PulumiFake.Fault] = []
    var scripts: [[PulumiFake.Status]] = []
    var requests: [PulumiFake.RecordedRequest] = []
    var deployments: [String: PulumiFake.Deployment] = [:]
    var order: [String] = []
    var secrets: [String: [String: PulumiFake.ReceivedSecret]] = [:]
    var versions: [String: Int] = [:]
}
