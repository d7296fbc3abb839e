import BridgeCore
import Foundation

extension GitHubFake {
    /// A repository the fake knows, and the installation of the test app on it (nil: the app is not installed there).
    public struct Repository: Sendable, Hashable {
        /// `owner/repo`; matched case-insensitively, as GitHub does.
        public var fullName: String
        public var installationID: Int?

        public init(_ fullName: String, installationID: Int? = 7001) {
            self.fullName = fullName
            self.installationID = installationID
        }
    }

    /// A deployment as the fake holds it.
    public struct Deployment: Sendable, Hashable {
        public var id: Int
        public var repository: String
        public var sha: String
        public var ref: String
        public var task: String
        public var environment: String
        public var originalEnvironment: String
        public var description: String?
        public var payload: ConfigValue
        public var productionEnvironment: Bool
        public var transientEnvironment: Bool
        public var statuses: [DeploymentStatus]
        public var createdAt: Date
        public var updatedAt: Date

        /// Every state posted, oldest first: `["queued", "in_progress", "success"]`.
        public var states: [String] { statuses.map(\.state) }
        /// The latest state, nil before any.
        public var state: String? { statuses.last?.state }
    }

    /// One deployment status.
    public struct DeploymentStatus: Sendable, Hashable {
        public var id: Int
        public var state: String
        public var description: String
        public var environment: String
        public var environmentURL: String
        public var logURL: String
        /// `log_url`, or the deprecated `target_url`: GitHub fills one from the other.
        public var targetURL: String
        /// Whether GitHub added it itself (`auto_inactive`), not a client.
        public var automatic: Bool
        public var createdAt: Date
    }

    /// One commit status.
    public struct CommitStatus: Sendable, Hashable {
        public var id: Int
        public var state: String
        public var context: String
        public var description: String?
        public var targetURL: String?
        public var createdAt: Date
    }

    /// An installation token the fake issued.
    public struct IssuedToken: Sendable, Hashable {
        public var token: String
        public var installationID: Int
        public var expiresAt: Date
    }

    /// Who a request authenticated as.
    public enum Caller: Sendable, Hashable {
        /// The app, with a JWT that verified.
        case app
        /// An installation token of that installation.
        case installation(Int)
        case personalToken
    }

    /// The calls a fault or a lost answer can be aimed at.
    public enum Call: Sendable, Hashable {
        case lookUpInstallation, createAccessToken, listDeployments, createDeployment, createDeploymentStatus, createCommitStatus
    }

    /// A canned answer served before the normal handling, in the order queued.
    public enum Fault: Sendable, Hashable {
        /// 500 `{"message":"Server Error"}`.
        case serverError
        /// 502 with an HTML page, as GitHub's front end answers when the application is unreachable.
        case badGateway
        /// The primary rate limit: `status` (403 or 429) `API rate limit exceeded…` with `x-ratelimit-remaining: 0` and
        /// `x-ratelimit-reset` `resetAfter` seconds from now.
        case primaryRateLimit(resetAfter: Int, status: Int = 403)
        /// A secondary rate limit: `status` (403 or 429) `You have exceeded a secondary rate limit…`, with
        /// `retry-after` when given.
        case secondaryRateLimit(retryAfter: Int?, status: Int = 403)
        /// Any other answer.
        case response(status: Int, contentType: String, body: String, headers: [String: String] = [:])
        /// Waits, then handles the request normally: makes a client's timeout fire.
        case delay(Duration)
    }

    /// One request as the fake received it.
    public struct RecordedRequest: Sendable, Hashable {
        public var method: String
        /// The raw path, prefix included, percent-escapes kept.
        public var path: String
        public var query: String?
        /// Lowercased names; the value of `authorization` is `[REDACTED]`.
        public var headers: [String: String]
        /// The body decoded as JSON, nil when it is not JSON.
        public var body: ConfigValue?
        public var bodyText: String
        /// Who the request authenticated as; nil when it did not.
        public var caller: Caller?
        /// The status the fake answered.
        public var responseStatus: Int
    }
}
