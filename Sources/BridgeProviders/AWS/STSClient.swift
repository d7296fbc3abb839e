import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOHTTP1

/// Calls AWS STS's Query API for temporary credentials: `AssumeRole` (SigV4-signed, service `sts`) and
/// `AssumeRoleWithWebIdentity` (unsigned: the web identity token is the credential).
///
/// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html and
/// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html: `POST /` with a
/// form body `Action=…&Version=2011-06-15&…`; the answer is XML, errors `<ErrorResponse><Error><Code>…`
/// (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html).
struct STSClient: Sendable {
    static let apiVersion = "2011-06-15"
    /// Error codes worth retrying besides any 5xx/429 answer (botocore's retry table for STS, and the common errors).
    static let retryableCodes: Set<String> = [
        "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException", "IDPCommunicationError",
        "ServiceUnavailable", "InternalFailure", "InternalError", "RequestTimeout", "RequestTimeoutException",
    ]
    /// Also worth retrying for a web identity: STS could not fetch the identity provider's keys yet, or the projected
    /// token expired and the kubelet is about to rotate it (the AWS SDK for Go retries `InvalidIdentityToken` too).
    static let webIdentityRetryableCodes: Set<String> = ["InvalidIdentityToken", "ExpiredTokenException"]

    /// The role and session to ask for.
    struct RoleRequest: Sendable, Hashable {
        var roleARN: String
        var sessionName: String
        var externalID: String?
        var durationSeconds: Int?
    }

    let http: CredentialsHTTP
    /// `https://sts.eu-west-2.amazonaws.com`, or an override.
    let endpoint: String
    let region: String
    let timeout: Duration
    let now: @Sendable () -> Date

    /// A client for STS in `region`, at `endpoint` or else the regional endpoint.
    init(httpClient: ProviderHTTPClient, region: String, endpoint: String?, timeout: Duration, now: @escaping @Sendable () -> Date) {
        self.http = CredentialsHTTP(httpClient: httpClient)
        self.region = region
        var url = endpoint ?? Self.regionalEndpoint(region)
        while url.hasSuffix("/") { url.removeLast() }
        self.endpoint = url
        self.timeout = timeout
        self.now = now
    }

    /// `https://sts.<region>.amazonaws.com` (`.amazonaws.com.cn` in the China regions).
    static func regionalEndpoint(_ region: String) -> String {
        "https://sts.\(region).amazonaws.com" + (region.hasPrefix("cn-") ? ".cn" : "")
    }

    /// `AssumeRole` signed with `credentials`.
    func assumeRole(_ role: RoleRequest, with credentials: AWSCredentials) async throws(ProviderError) -> AWSCredentials {
        var parameters = [("Action", "AssumeRole"), ("Version", Self.apiVersion), ("RoleArn", role.roleARN), ("RoleSessionName", role.sessionName)]
        if let externalID = role.externalID { parameters.append(("ExternalId", externalID)) }
        if let duration = role.durationSeconds { parameters.append(("DurationSeconds", String(duration))) }
        let secrets = [credentials.secretAccessKey, credentials.sessionToken ?? ""]
        return try await call("AssumeRole", parameters: parameters, signedWith: credentials, secrets: secrets, retryableCodes: Self.retryableCodes)
    }

    /// `AssumeRoleWithWebIdentity` with `token` (an OIDC token, such as an EKS service account's), unsigned.
    func assumeRoleWithWebIdentity(_ role: RoleRequest, token: String) async throws(ProviderError) -> AWSCredentials {
        var parameters = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", Self.apiVersion), ("RoleArn", role.roleARN),
            ("RoleSessionName", role.sessionName), ("WebIdentityToken", token),
        ]
        if let duration = role.durationSeconds { parameters.append(("DurationSeconds", String(duration))) }
        return try await call(
            "AssumeRoleWithWebIdentity", parameters: parameters, signedWith: nil, secrets: [token],
            retryableCodes: Self.retryableCodes.union(Self.webIdentityRetryableCodes))
    }

    private func call(
        _ action: String, parameters: [(String, String)], signedWith credentials: AWSCredentials?, secrets: [String],
        retryableCodes: Set<String>
    ) async throws(ProviderError) -> AWSCredentials {
        let body = Array(parameters.map { "\(SigV4Signer.uriEncode($0.0))=\(SigV4Signer.uriEncode($0.1))" }.joined(separator: "&").utf8)
        var headers = [(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8")]
        if let credentials {
            guard let host = URLComponents(string: endpoint).flatMap(Self.hostHeader) else {
                throw .permanent("STS endpoint \(endpoint) is not an http(s) URL")
            }
            // Sent to `endpoint + "/"`, so that is the path signed.
            let path = (URLComponents(string: endpoint)?.percentEncodedPath ?? "") + "/"
            let request = SignableRequest(method: "POST", host: host, path: path, headers: headers, body: body)
            headers = SigV4Signer(service: "sts", region: region).sign(request, credentials: credentials, date: now())
        }
        let answer: CredentialsHTTP.Answer
        do {
            answer = try await http.send(.POST, url: endpoint + "/", headers: headers, body: body, timeout: timeout, secrets: secrets)
        } catch {
            let message = "STS \(action): \(error.message)"
            throw error.isConfigurationError ? .permanent(message) : .retryable(message)
        }
        guard answer.status == 200 else { throw Self.failure(answer, now: now(), secrets: secrets, retryableCodes: retryableCodes) }
        let xml = answer.text
        guard let accessKeyID = STSQueryXML.value("AccessKeyId", within: "Credentials", in: xml),
            let secretAccessKey = STSQueryXML.value("SecretAccessKey", within: "Credentials", in: xml),
            let sessionToken = STSQueryXML.value("SessionToken", within: "Credentials", in: xml),
            let expirationText = STSQueryXML.value("Expiration", within: "Credentials", in: xml),
            !accessKeyID.isEmpty, !secretAccessKey.isEmpty
        else {
            throw .permanent("STS \(action) at \(endpoint): the answer has no credentials; is this an STS endpoint?")
        }
        guard let expiration = AWSTimestamp.parse(expirationText) else {
            throw .permanent("STS \(action): unreadable credentials expiration \"\(CredentialsHTTP.bounded(expirationText))\"")
        }
        return AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: sessionToken.isEmpty ? nil : sessionToken,
            expiration: expiration)
    }

    /// `STS <Code>: <Message>`; retryable for throttling, 429 and 5xx.
    static func failure(_ answer: CredentialsHTTP.Answer, now: Date, secrets: [String], retryableCodes: Set<String>) -> ProviderError {
        let xml = answer.text
        let code = STSQueryXML.value("Code", within: "Error", in: xml)
        let message: String
        if let code {
            let detail = STSQueryXML.value("Message", within: "Error", in: xml).map { ": \($0)" } ?? ""
            message = "STS \(code)\(detail)"
        } else {
            let text = xml.trimmingCharacters(in: .whitespacesAndNewlines)
            message = "STS \(answer.status): " + (text.isEmpty ? HTTPResponseStatus(statusCode: answer.status).reasonPhrase : text)
        }
        // Redacted before it is cut, so that no part of a secret survives at the cut.
        let redacted = CredentialsHTTP.bounded(ProviderHTTP.redact(message, secrets: secrets))
        if answer.status == 429 || answer.status >= 500 || code.map(retryableCodes.contains) == true {
            return .retryable(redacted, retryAfter: RetryAfter.parse(answer.headers.first(name: "Retry-After"), now: now))
        }
        return .permanent(redacted)
    }

    /// `host` or `host:port` as the request will carry it (the port only when not the scheme's default).
    static func hostHeader(_ components: URLComponents) -> String? {
        guard let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = components.percentEncodedHost, !host.isEmpty
        else { return nil }
        let name = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        guard let port = components.port, port != (scheme == "https" ? 443 : 80) else { return name }
        return "\(name):\(port)"
    }
}
