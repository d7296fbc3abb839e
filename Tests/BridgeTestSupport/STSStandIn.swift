import BridgeCore
import Foundation
import Synchronization

/// Stands in for AWS STS's Query API on loopback: `AssumeRole` and `AssumeRoleWithWebIdentity`, as documented in
/// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html,
/// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html and
/// https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html.
///
/// `AssumeRole` must be SigV4-signed for service `sts` in the stand-in's region with a key it knows (or one it
/// issued, with that key's session token): it recomputes the signature with `SigV4Signer` from the request as
/// received and refuses a mismatch with `SignatureDoesNotMatch`, as STS does. It checks `RoleArn` against its roles,
/// `ExternalId` against the role's, and `RoleSessionName` and `DurationSeconds` against AWS's constraints.
/// `AssumeRoleWithWebIdentity` needs no signature; its `WebIdentityToken` must be one the stand-in accepts. Issued
/// credentials expire `DurationSeconds` (default one hour) after the stand-in's `now`. Every call is recorded, and
/// faults (an error answer, a delay) can be queued.
public final class STSStandIn: AWSStandIn {
    public static let accountID = "123456789012"

    /// A role that can be assumed.
    public struct Role: Sendable, Hashable {
        public var arn: String
        /// The `ExternalId` the role's trust policy requires (`sts:ExternalId` condition), if any.
        public var externalID: String?

        public init(arn: String, externalID: String? = nil) {
            self.arn = arn
            self.externalID = externalID
        }
    }

    /// One call as the stand-in saw it.
    public struct Call: Sendable {
        /// `Action` from the form body.
        public var action: String
        /// The form body's fields (test credentials only, so kept whole for assertions).
        public var parameters: [String: String]
        /// Whether the request carried an `Authorization` header.
        public var signed: Bool
        /// The access key id of the signature, if any.
        public var accessKeyID: String?
        /// `X-Amz-Security-Token`, if sent.
        public var sessionToken: String?
        /// The `Content-Type` sent.
        public var contentType: String?
        /// The answer's status.
        public var status: Int
        /// The error code answered, if any.
        public var errorCode: String?
    }

    /// What to answer instead of the real thing.
    public enum Fault: Sendable {
        /// An STS error document with this status, code and message.
        case error(status: Int, code: String, message: String)
        /// Wait this long, then answer normally.
        case delay(Duration)
        /// A raw answer (a proxy's page, something that is not STS).
        case response(status: Int, contentType: String, body: String)
    }

    public let region: String
    public let roles: [Role]
    public let webIdentityTokens: Set<String>
    let now: @Sendable () -> Date
    let server = StandInServer(name: "sts-stand-in")
    let state: Mutex<State>

    struct State: Sendable {
        /// Access key id → (secret, session token required).
        var keys: [String: (secret: String, sessionToken: String?)]
        var calls: [Call] = []
        var faults: [Fault] = []
        var issued: [AWSCredentials] = []
    }

    /// A stand-in for STS in `region` that knows `keys` (access key id → secret), lets them assume `roles`, and
    /// accepts `webIdentityTokens`.
    public init(
        region: String = "us-east-1", keys: [String: String] = [:], roles: [Role] = [], webIdentityTokens: Set<String> = [],
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.region = region
        self.roles = roles
        self.webIdentityTokens = webIdentityTokens
        self.now = now
        self.state = Mutex(State(keys: keys.mapValues { ($0, nil) }))
    }

    public func start() async throws {
        try await server.start { [self] request in await respond(to: request) }
    }

    public func stop() async {
        await server.stop()
    }

    public var baseURL: String { "http://127.0.0.1:\(server.port ?? 0)" }

    /// Every call, oldest first.
    public var calls: [Call] { state.withLock { $0.calls } }
    /// Every credentials issued, oldest first.
    public var issued: [AWSCredentials] { state.withLock { $0.issued } }

    /// Answers the next `times` calls with `fault` (after any queued before).
    public func inject(_ fault: Fault, times: Int = 1) {
        state.withLock { $0.faults += Array(repeating: fault, count: max(0, times)) }
    }

    private func respond(to request: StandInRequest) async -> FakeAnswer {
        let fault = state.withLock { $0.faults.isEmpty ? nil : $0.faults.removeFirst() }
        if case .delay(let duration) = fault { try? await Task.sleep(for: duration) }
        return state.withLock { state in
            let answer: FakeAnswer
            var errorCode: String?
            switch fault {
            case .error(let status, let code, let message):
                answer = Self.error(status, code, message)
                errorCode = code
            case .response(let status, let contentType, let body):
                answer = FakeAnswer(status: status, contentType: contentType, body: body)
            case .delay, nil:
                switch handle(request, state: &state) {
                case .success(let xml): answer = FakeAnswer(status: 200, contentType: "text/xml", body: xml)
                case .failure(let failure):
                    answer = Self.error(failure.status, failure.code, failure.message)
                    errorCode = failure.code
                }
            }
            let authorization = request.header("Authorization").flatMap(SigV4Authorization.init)
            state.calls.append(
                Call(
                    action: request.form["Action"] ?? "", parameters: request.form, signed: request.header("Authorization") != nil,
                    accessKeyID: authorization?.accessKeyID, sessionToken: request.header("X-Amz-Security-Token"),
                    contentType: request.header("Content-Type"), status: answer.status, errorCode: errorCode))
            return answer
        }
    }
}
