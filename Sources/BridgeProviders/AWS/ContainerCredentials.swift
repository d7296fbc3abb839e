import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOHTTP1

/// Credentials from the ECS task role or EKS Pod Identity endpoint.
///
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html and botocore's
/// `ContainerProvider`: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is a path on `http://169.254.170.2`, else
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` is a whole URL whose host must be a loopback address or one of the ECS/EKS
/// addresses (so a crafted variable cannot send the token anywhere); the `Authorization` header is the content of
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read on every fetch: EKS rotates it), else
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
struct ContainerCredentials: Sendable {
    /// The hosts botocore allows in a full URI besides loopback addresses: ECS, and EKS Pod Identity (IPv4, IPv6).
    static let allowedHosts: Set<String> = ["localhost", "169.254.170.2", "169.254.170.23", "fd00:ec2::23"]

    /// Where the authorization token comes from.
    enum Authorization: Sendable, Hashable, CustomStringConvertible {
        case token(String)
        case file(String)

        var description: String {
            switch self {
            case .token: "AWS_CONTAINER_AUTHORIZATION_TOKEN"
            case .file(let path): "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(path)"
            }
        }
    }

    /// The endpoint the environment names.
    struct Endpoint: Sendable, Hashable {
        var url: String
        var authorization: Authorization?
    }

    let http: CredentialsHTTP
    let timeout: Duration

    init(httpClient: ProviderHTTPClient, timeout: Duration) {
        self.http = CredentialsHTTP(httpClient: httpClient)
        self.timeout = timeout
    }

    /// The endpoint the environment configures; nil when neither URI variable is set. `host` replaces
    /// `http://169.254.170.2` for a relative URI.
    static func endpoint(in environment: AWSEnvironment, host: String) throws(ProviderError) -> Endpoint? {
        let authorization: Authorization? =
            if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] {
                .file(environment.expandingHome(file))
            } else {
                environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"].map(Authorization.token)
            }
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
            var base = host
            while base.hasSuffix("/") { base.removeLast() }
            return Endpoint(url: base + (relative.hasPrefix("/") ? relative : "/" + relative), authorization: authorization)
        }
        guard let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] else { return nil }
        guard let components = URLComponents(string: full), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw .permanent("AWS_CONTAINER_CREDENTIALS_FULL_URI \(full) is not an http(s) URL")
        }
        guard isAllowedHost(host) else {
            throw .permanent(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI host \(host) is neither a loopback address nor an ECS/EKS credentials address")
        }
        return Endpoint(url: full, authorization: authorization)
    }

    /// Loopback (`127.0.0.0/8`, `::1`) or one of `allowedHosts`.
    static func isAllowedHost(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if allowedHosts.contains(bare.lowercased()) || bare == "::1" || bare == "0:0:0:0:0:0:0:1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Fetches credentials from `endpoint`: 429/5xx and network trouble are retryable, other refusals permanent.
    func fetch(_ endpoint: Endpoint) async throws(ProviderError) -> AWSCredentials {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        var secrets: [String] = []
        if let authorization = endpoint.authorization {
            let token = try Self.token(authorization)
            headers.append(("Authorization", token))
            secrets.append(token)
        }
        let what = "container credentials at \(endpoint.url)"
        let answer: CredentialsHTTP.Answer
        do {
            answer = try await http.send(.GET, url: endpoint.url, headers: headers, timeout: timeout, secrets: secrets)
        } catch {
            throw error.isConfigurationError ? .permanent(error.message) : .retryable(error.message)
        }
        guard answer.status == 200 else {
            let detail = CredentialsHTTP.bounded(ProviderHTTP.redact(answer.text, secrets: secrets))
            let message = "\(what): HTTP \(answer.status)" + (detail.isEmpty ? "" : ": \(detail)")
            throw answer.status == 429 || answer.status >= 500 ? .retryable(message) : .permanent(message)
        }
        return try CredentialsJSON.credentials(from: answer.body, what: what).get()
    }

    /// The authorization token, read now; one without a value or with a line break is refused unquoted.
    static func token(_ authorization: Authorization) throws(ProviderError) -> String {
        let token =
            switch authorization {
            case .token(let value): value
            case .file(let path): try AWSEnvironment.readFile(path, what: "the container authorization token file")
            }
        let trimmed = token.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, CredentialsHTTP.isValidHeaderValue(trimmed) else {
            throw .permanent("the container authorization token (\(authorization)) is empty or has characters a header cannot carry")
        }
        return trimmed
    }
}
