import BridgeCore
import Foundation

extension CodeDeployFake {
    /// One state a deployment shows to `GetDeployment`: its status, counts and why it ended.
    public struct Step: Sendable, Hashable {
        public var status: String
        /// `deploymentOverview` (`Pending`, `InProgress`, `Succeeded`, `Failed`, `Skipped`, `Ready`); nil leaves it out.
        public var overview: [String: Int]?
        public var errorCode: String?
        public var errorMessage: String?
        public var rollbackMessage: String?

        public init(
            _ status: String, overview: [String: Int]? = nil, errorCode: String? = nil, errorMessage: String? = nil,
            rollbackMessage: String? = nil
        ) {
            self.status = status
            self.overview = overview
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.rollbackMessage = rollbackMessage
        }

        /// CodeDeploy's terminal statuses.
        public var isTerminal: Bool { ["Succeeded", "Failed", "Stopped"].contains(status) }

        /// The default life of a deployment: in progress on one instance, then succeeded.
        public static let inProgressThenSucceeded = [
            Step("InProgress", overview: ["Pending": 0, "InProgress": 1, "Succeeded": 0, "Failed": 0, "Skipped": 0, "Ready": 0]),
            Step("Succeeded", overview: ["Pending": 0, "InProgress": 0, "Succeeded": 1, "Failed": 0, "Skipped": 0, "Ready": 0]),
        ]
    }

    /// An answer given instead of the operation's, after the signature was checked.
    public enum Fault: Sendable, Hashable {
        /// Any AWS error: status, code (`__type`), message and an optional `Retry-After`.
        case error(status: Int, code: String, message: String, retryAfter: String? = nil)

        /// CodeDeploy's throttling (400, `ThrottlingException`).
        public static let throttling = Fault.error(status: 400, code: "ThrottlingException", message: "Rate exceeded")
        /// Another deployment of the group is running (400, `DeploymentLimitExceededException`).
        public static let deploymentLimitExceeded = Fault.error(
            status: 400, code: "DeploymentLimitExceededException",
            message: "The deployment d-BUSY00000 is already in progress for the deployment group staging.")
        public static let internalFailure = Fault.error(
            status: 500, code: "InternalFailure", message: "The request processing has failed because of an unknown error.")
    }

    /// A deployment the fake created.
    public struct Deployment: Sendable, Hashable {
        public var id: String
        /// `CreateDeployment`'s body as received.
        public var request: ConfigValue
        /// The steps `GetDeployment` walks through; the last one repeats.
        public var steps: [Step]
        /// How many steps `GetDeployment` has shown.
        public var shown: Int
        /// `autoRollbackEnabled` of each `StopDeployment` received (nil when it was not sent).
        public var stopRequests: [Bool?]

        /// The step the next `GetDeployment` shows.
        public var current: Step {
            steps[min(shown, steps.count - 1)]
        }
    }

    /// A request as the fake saw it, without its signature.
    public struct RecordedRequest: Sendable, Hashable {
        /// The operation from `X-Amz-Target` (`CreateDeployment`), or the header as sent when it is not CodeDeploy's.
        public var operation: String
        /// Lowercased names; `authorization` and `x-amz-security-token` are `[REDACTED]`.
        public var headers: [String: String]
        public var body: ConfigValue?
        public var responseStatus: Int
        /// The error code answered, if any (`InvalidSignatureException`).
        public var errorCode: String?
    }
}

/// Everything the CodeDeploy fake remembers, guarded by its mutex.
struct CodeDeployFakeState: Sendable {
    var server: RunningServer?
    var faults: [CodeDeployFake.Fault] = []
    var scripts: [[CodeDeployFake.Step]] = []
    var requests: [CodeDeployFake.RecordedRequest] = []
    var deployments: [String: CodeDeployFake.Deployment] = [:]
    var order: [String] = []
    var nextNumber = 1
}
