import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOHTTP1

/// Credentials of the EC2 instance profile, through instance metadata with IMDSv2 session tokens.
///
/// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html and
/// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html:
/// `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds`, then `GET
/// /latest/meta-data/iam/security-credentials/` (the role name) and `GET …/<role>` with `X-aws-ec2-metadata-token`.
/// IMDSv2 only: botocore falls back to IMDSv1 when the token call is refused, but a server that can reach
/// instance metadata only without a session token is better told so than downgraded.
struct InstanceMetadataCredentials: Sendable {
    static let tokenTTLSeconds = 21600
    static let credentialsPath = "/latest/meta-data/iam/security-credentials/"

    /// What instance metadata gave.
    enum Outcome: Sendable {
        case credentials(AWSCredentials)
        /// No instance metadata, or no instance profile: the host is not an EC2 instance with a role.
        case unavailable(String)
    }

    let http: CredentialsHTTP
    /// `http://169.254.169.254`, without a trailing slash.
    let endpoint: String
    let timeout: Duration

    init(httpClient: ProviderHTTPClient, endpoint: String, timeout: Duration) {
        self.http = CredentialsHTTP(httpClient: httpClient)
        var base = endpoint
        while base.hasSuffix("/") { base.removeLast() }
        self.endpoint = base
        self.timeout = timeout
    }

    /// The instance profile's credentials; `.unavailable` when there is no instance metadata to talk to (no answer to
    /// the token call, or a refusal of it) or no instance profile (404 for the role list). Errors after that point
    /// are thrown: instance metadata is there but failing.
    func fetch() async throws(ProviderError) -> Outcome {
        let tokenHeader = ("X-aws-ec2-metadata-token-ttl-seconds", String(Self.tokenTTLSeconds))
        guard let tokenAnswer = try? await http.send(.PUT, url: endpoint + "/latest/api/token", headers: [tokenHeader], timeout: timeout)
        else {
            return .unavailable("no answer from instance metadata at \(endpoint)")
        }
        let token = tokenAnswer.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard tokenAnswer.status == 200, !token.isEmpty else {
            return .unavailable("instance metadata at \(endpoint) refused an IMDSv2 session token (HTTP \(tokenAnswer.status))")
        }
        let roleList = try await get(Self.credentialsPath, token: token)
        if roleList.status == 404 { return .unavailable("the instance at \(endpoint) has no instance profile") }
        try check(roleList, what: "the instance profile's role")
        guard let role = roleList.text.split(whereSeparator: \.isNewline).first.map({ $0.trimmingCharacters(in: .whitespaces) }),
            !role.isEmpty
        else {
            return .unavailable("the instance at \(endpoint) has no instance profile")
        }
        let answer = try await get(Self.credentialsPath + SigV4Signer.uriEncode(role), token: token)
        let what = "instance metadata credentials for role \(role)"
        try check(answer, what: what)
        return .credentials(try CredentialsJSON.credentials(from: answer.body, what: what).get())
    }

    private func get(_ path: String, token: String) async throws(ProviderError) -> CredentialsHTTP.Answer {
        do {
            return try await http.send(.GET, url: endpoint + path, headers: [("X-aws-ec2-metadata-token", token)], timeout: timeout, secrets: [token])
        } catch {
            throw error.isConfigurationError ? .permanent(error.message) : .retryable("instance metadata: \(error.message)")
        }
    }

    private func check(_ answer: CredentialsHTTP.Answer, what: String) throws(ProviderError) {
        guard answer.status != 200 else { return }
        // A refused token (401) means it expired between calls; any other answer is instance metadata in trouble.
        throw .retryable("\(what): instance metadata answered HTTP \(answer.status)")
    }
}
