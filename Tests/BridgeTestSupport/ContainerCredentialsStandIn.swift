import BridgeCore
import Foundation
import Synchronization

/// Stands in for the ECS task credentials endpoint and the EKS Pod Identity agent on loopback, as documented in
/// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html and
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html.
///
/// `GET <path>` answers `{"RoleArn", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"}` with credentials that
/// expire `credentialLifetime` after the stand-in's `now`. With an `authorizationToken`, a request whose
/// `Authorization` header is not exactly that token gets 401 (as the Pod Identity agent does). Other paths get 404.
public final class ContainerCredentialsStandIn: AWSStandIn {
    /// One request as received.
    public struct RecordedRequest: Sendable {
        public var method: String
        public var path: String
        public var authorization: String?
        public var status: Int
    }

    /// What to answer instead of credentials.
    public enum Fault: Sendable {
        case response(status: Int, contentType: String, body: String)
    }

    public let path: String
    public let authorizationToken: String?
    public let credentialLifetime: Duration
    let now: @Sendable () -> Date
    let server = StandInServer(name: "container-credentials-stand-in")
    let state = Mutex(State())

    struct State: Sendable {
        var requests: [RecordedRequest] = []
        var issued: [AWSCredentials] = []
        var faults: [Fault] = []
    }

    /// Serves credentials at `path`, for requests carrying `authorizationToken` when given.
    public init(
        path: String = "/v2/credentials/6f3a1c2e-task", authorizationToken: String? = nil, credentialLifetime: Duration = .seconds(6 * 3600),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.path = path
        self.authorizationToken = authorizationToken
        self.credentialLifetime = credentialLifetime
        self.now = now
    }

    public func start() async throws {
        try await server.start { [self] request in respond(to: request) }
    }

    public func stop() async {
        await server.stop()
    }

    public var baseURL: String { "http://127.0.0.1:\(server.port ?? 0)" }

    public var requests: [RecordedRequest] { state.withLock { $0.requests } }
    public var issued: [AWSCredentials] { state.withLock { $0.issued } }

    /// Answers the next `times` requests with `fault`.
    public func inject(_ fault: Fault, times: Int = 1) {
        state.withLock { $0.faults += Array(repeating: fault, count: max(0, times)) }
    }

    private func respond(to request: StandInRequest) -> FakeAnswer {
        state.withLock { state in
            let answer = answer(to: request, state: &state)
            state.requests.append(
                RecordedRequest(method: request.method, path: request.path, authorization: request.header("Authorization"), status: answer.status))
            return answer
        }
    }

    private func answer(to request: StandInRequest, state: inout State) -> FakeAnswer {
        if !state.faults.isEmpty, case .response(let status, let contentType, let body) = state.faults.removeFirst() {
            return FakeAnswer(status: status, contentType: contentType, body: body)
        }
        guard request.method == "GET", request.path == path else {
            return FakeAnswer(status: 404, contentType: "application/json", body: #"{"message":"Not Found"}"#)
        }
        if let authorizationToken, request.header("Authorization") != authorizationToken {
            return FakeAnswer(status: 401, contentType: "application/json", body: #"{"message":"invalid authorization token"}"#)
        }
        let number = state.issued.count + 1
        let credentials = AWSCredentials(
            accessKeyID: "ASIACONTAINER\(number)", secretAccessKey: "container-secret-\(number)-\(UUID().uuidString)",
            sessionToken: "container-session-token-\(number)-\(UUID().uuidString)",
            expiration: now().addingTimeInterval(TimeInterval(credentialLifetime.components.seconds)))
        state.issued.append(credentials)
        let document: ConfigValue = .object([
            "RoleArn": .string("arn:aws:iam::123456789012:role/ecs-task"), "AccessKeyId": .string(credentials.accessKeyID),
            "SecretAccessKey": .string(credentials.secretAccessKey), "Token": .string(credentials.sessionToken ?? ""),
            "Expiration": .string((credentials.expiration ?? Date()).formatted(.iso8601)),
        ])
        return .json(200, document)
    }
}
