import BridgeCore
import Foundation
import Synchronization

/// Stands in for EC2 instance metadata with IMDSv2 required (`HttpTokens=required`) on loopback, as documented in
/// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html and
/// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html.
///
/// `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds` (1…21600; else 400) gives a session token;
/// every `GET` must carry a live one in `X-aws-ec2-metadata-token`, else 401. `GET
/// /latest/meta-data/iam/security-credentials/` names the instance profile's role (404 without one), and `GET …/<role>`
/// answers `{"Code": "Success", "LastUpdated", "Type": "AWS-HMAC", "AccessKeyId", "SecretAccessKey", "Token",
/// "Expiration"}` with credentials that expire `credentialLifetime` after the stand-in's `now`.
public final class IMDSStandIn: AWSStandIn {
    public static let credentialsPath = "/latest/meta-data/iam/security-credentials/"

    /// One request as received.
    public struct RecordedRequest: Sendable {
        public var method: String
        public var path: String
        /// Whether it carried `X-aws-ec2-metadata-token`.
        public var hadToken: Bool
        public var status: Int
    }

    /// The instance profile's role, or nil for an instance without one.
    public let roleName: String?
    public let credentialLifetime: Duration
    let now: @Sendable () -> Date
    let server = StandInServer(name: "imds-stand-in")
    let state = Mutex(State())

    struct State: Sendable {
        var requests: [RecordedRequest] = []
        var issued: [AWSCredentials] = []
        /// Session token → when it expires.
        var tokens: [String: Date] = [:]
    }

    public init(
        roleName: String? = "gitops-bridge-instance", credentialLifetime: Duration = .seconds(6 * 3600),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.roleName = roleName
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

    private func respond(to request: StandInRequest) -> FakeAnswer {
        state.withLock { state in
            let answer = answer(to: request, state: &state)
            state.requests.append(
                RecordedRequest(
                    method: request.method, path: request.path, hadToken: request.header("X-aws-ec2-metadata-token") != nil,
                    status: answer.status))
            return answer
        }
    }

    private func answer(to request: StandInRequest, state: inout State) -> FakeAnswer {
        if request.path == "/latest/api/token" {
            guard request.method == "PUT" else { return Self.text(405, "") }
            guard let ttl = request.header("X-aws-ec2-metadata-token-ttl-seconds").flatMap(Int.init), (1...21600).contains(ttl) else {
                return Self.text(400, "")
            }
            let token = "imds-session-token-\(state.tokens.count + 1)-\(UUID().uuidString)"
            state.tokens[token] = now().addingTimeInterval(TimeInterval(ttl))
            return FakeAnswer(status: 200, contentType: "text/plain", body: token, headers: ["X-aws-ec2-metadata-token-ttl-seconds": String(ttl)])
        }
        guard request.method == "GET" else { return Self.text(405, "") }
        guard let token = request.header("X-aws-ec2-metadata-token"), let expiry = state.tokens[token], now() < expiry else {
            return Self.text(401, "")
        }
        guard request.path.hasPrefix(Self.credentialsPath), let roleName else { return Self.text(404, "") }
        let rest = request.path.dropFirst(Self.credentialsPath.count)
        if rest.isEmpty { return Self.text(200, roleName) }
        guard rest == roleName else { return Self.text(404, "") }
        let number = state.issued.count + 1
        let issuedAt = now()
        let credentials = AWSCredentials(
            accessKeyID: "ASIAIMDS\(number)", secretAccessKey: "imds-secret-\(number)-\(UUID().uuidString)",
            sessionToken: "imds-session-token-\(number)-\(UUID().uuidString)",
            expiration: issuedAt.addingTimeInterval(TimeInterval(credentialLifetime.components.seconds)))
        state.issued.append(credentials)
        let document: ConfigValue = .object([
            "Code": .string("Success"), "LastUpdated": .string(issuedAt.formatted(.iso8601)), "Type": .string("AWS-HMAC"),
            "AccessKeyId": .string(credentials.accessKeyID), "SecretAccessKey": .string(credentials.secretAccessKey),
            "Token": .string(credentials.sessionToken ?? ""), "Expiration": .string((credentials.expiration ?? issuedAt).formatted(.iso8601)),
        ])
        // IMDS serves JSON as text/plain.
        return FakeAnswer(status: 200, contentType: "text/plain", body: document.jsonText)
    }

    private static func text(_ status: Int, _ body: String) -> FakeAnswer {
        FakeAnswer(status: status, contentType: "text/plain", body: body)
    }
}
