import BridgeCore
import Foundation

extension GitLabFake {
    /// A project the fake knows, reachable by numeric id or by URL-encoded full path (`acme%2Fshop`).
    public struct Project: Sendable, Hashable {
        public var id: Int
        /// Full path, `group/subgroup/project`; matched case-insensitively, as GitLab does.
        public var path: String

        public init(id: Int, path: String) {
            self.id = id
            self.path = path
        }
    }

    /// A deployment's status, with the two GitLab has that the API cannot set (`created`, `blocked`, `skipped`).
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case created, running, success, failed, canceled, skipped, blocked

        /// The state-machine event `app/models/deployment.rb` fires to reach this status.
        var event: String {
            switch self {
            case .running: "run"
            case .success: "succeed"
            case .failed: "drop"
            case .canceled: "cancel"
            case .skipped: "skip"
            case .created, .blocked: "create"
            }
        }

        /// Whether GitLab's deployment state machine allows moving from `from` to this status:
        /// `run` only from created|blocked; `succeed`, `drop`, `cancel` from anything but their own target.
        func isReachable(from: Status) -> Bool {
            switch self {
            case .running: from == .created || from == .blocked
            case .success, .failed, .canceled: from != self
            case .created, .blocked, .skipped: false
            }
        }
    }

    /// A deployment as the fake holds it.
    public struct Deployment: Sendable, Hashable {
        public var id: Int
        /// Per-project sequence number.
        public var iid: Int
        public var projectID: Int
        public var environment: String
        public var environmentID: Int
        public var sha: String
        public var ref: String
        public var tag: Bool
        /// The status it was created with, then each accepted update: `[running, success]`. GitLab's transient
        /// `created` before the create call's status is not listed.
        public var statusHistory: [Status]
        /// A deployment made by a CI job: GitLab refuses to update those through the API (403).
        public var createdByCI: Bool
        public var createdAt: Date
        public var updatedAt: Date

        /// The current status.
        public var status: Status { statusHistory.last ?? .created }
    }

    /// An update the state machine refused, such as running→running: the bridge must never send one.
    public struct IllegalTransition: Sendable, Hashable, CustomStringConvertible {
        public var deploymentID: Int
        public var from: Status
        public var to: Status

        public init(deploymentID: Int, from: Status, to: Status) {
            self.deploymentID = deploymentID
            self.from = from
            self.to = to
        }

        public var description: String { "deployment \(deploymentID): \(from.rawValue)→\(to.rawValue)" }
    }

    /// How the fake answers an illegal transition. Unverified against a live GitLab: `update_status` returns false
    /// without model errors, and `render_validation_error!` renders nothing when there are none, so the real answer
    /// may well be 200 with a `null` body. The default is the loud choice.
    public enum IllegalTransitionAnswer: Sendable, Hashable {
        /// 400 `{"message":"Cannot transition status via :run from :running"}` (the state machine's own wording).
        case badRequest
        /// 200 with the body `null`, what a reading of GitLab's source suggests.
        case okWithNullBody
    }

    /// A canned answer served before the normal handling, in the order queued.
    public enum Fault: Sendable, Hashable {
        /// 429 from an application rate limiter: `{"message":{"error":"This endpoint has been requested too many times.
        /// Try again later."}}`, with `Retry-After: <value>` when given (gitlab.com has answered 429 without it).
        case tooManyRequests(retryAfter: String?)
        /// 429 from Rack::Attack: `text/plain` body `Retry later`, `RateLimit-*` headers, `Retry-After` when given.
        case throttled(retryAfter: String?)
        /// 500 `{"message":"500 Internal Server Error"}`.
        case serverError
        /// Any other answer, such as a proxy's 502 HTML page.
        case response(status: Int, contentType: String, body: String, headers: [String: String] = [:])
        /// Waits, then handles the request normally: makes a client's timeout fire.
        case delay(Duration)
    }

    /// One request as the fake received it.
    public struct RecordedRequest: Sendable, Hashable {
        public var method: String
        /// The raw path, percent-escapes kept (`/api/v4/projects/acme%2Fshop/deployments`).
        public var path: String
        public var query: String?
        /// Lowercased names; the values of `private-token`, `authorization` and `job-token` are `[REDACTED]`.
        public var headers: [String: String]
        /// The body decoded as JSON, nil when it is not JSON.
        public var body: ConfigValue?
        public var bodyText: String
        /// The status the fake answered.
        public var responseStatus: Int
    }
}
