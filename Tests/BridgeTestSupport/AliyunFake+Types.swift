import BridgeCore

extension AliyunFake {
    /// An API that exists: its group and its id.
    public struct API: Sendable, Hashable {
        public var groupID: String
        public var apiID: String

        public init(groupID: String, apiID: String) {
            self.groupID = groupID
            self.apiID = apiID
        }
    }

    /// How a request was signed.
    public enum SignatureVersion: String, Sendable, Hashable {
        /// V3, `Authorization: ACS3-HMAC-SHA256 …`.
        case acs3 = "ACS3-HMAC-SHA256"
        /// RPC signature v1, a `Signature` query parameter (HMAC-SHA1).
        case rpc = "HMAC-SHA1"
    }

    /// An answer given instead of `DeployApi`'s, once the signature was checked.
    public enum Fault: Sendable, Hashable {
        /// Any Alibaba error: status, `Code`, `Message`, and an optional `x-acs-retry-after` header (the Tea SDK raises
        /// its ThrottlingException only when that header is present).
        case error(status: Int, code: String, message: String, retryAfter: String? = nil)

        /// The per-user flow control (QPS 50 per user for DeployApi): 400 `Throttling.User`.
        public static let throttlingUser = Fault.error(status: 400, code: "Throttling.User", message: "Request was denied due to user flow control.")
        /// The per-API flow control: 400 `Throttling.Api`.
        public static let throttlingAPI = Fault.error(status: 400, code: "Throttling.Api", message: "Request was denied due to api flow control.")
        /// 500 `InternalError`.
        public static let internalError = Fault.error(
            status: 500, code: "InternalError", message: "The request processing has failed due to some unknown error, exception or failure.")
        /// 503 `ServiceUnavailable`.
        public static let serviceUnavailable = Fault.error(
            status: 503, code: "ServiceUnavailable", message: "The request has failed due to a temporary failure of the server.")
    }

    /// A `DeployApi` call the fake accepted.
    public struct Deployment: Sendable, Hashable {
        /// The `RequestId` answered.
        public var requestID: String
        /// `GroupId`, nil when it was not sent (the API documents it as optional).
        public var groupID: String?
        public var apiID: String
        public var stageName: String
        public var description: String
        public var signature: SignatureVersion
        /// Whether a security token came (`x-acs-security-token` or `SecurityToken`).
        public var sentSecurityToken: Bool
    }

    /// A request as the fake saw it, without its signature or security token.
    public struct RecordedRequest: Sendable, Hashable {
        public var method: String
        public var path: String
        /// The query's parameters, decoded; `Signature` and `SecurityToken` are `[REDACTED]`.
        public var parameters: [String: String]
        /// Lowercased names; `authorization` and `x-acs-security-token` are `[REDACTED]`.
        public var headers: [String: String]
        /// How it was signed, by what it sent (nil when it sent no signature at all).
        public var signature: SignatureVersion?
        /// The `RequestId` answered.
        public var requestID: String
        public var responseStatus: Int
        /// The error `Code` answered, if any (`SignatureDoesNotMatch`).
        public var errorCode: String?
    }
}

/// Everything the Alibaba fake remembers, guarded by its mutex.
struct AliyunFakeState: Sendable {
    var faults: [AliyunFake.Fault] = []
    var requests: [AliyunFake.RecordedRequest] = []
    var deployments: [AliyunFake.Deployment] = []
    /// Every nonce of a correctly signed request: Alibaba refuses one seen before.
    var nonces: Set<String> = []
}
