import Foundation

/// Alibaba Cloud API Gateway's `DeployApi` (CloudAPI 2016-07-14) for an `aliyun-apigateway` target (providers.md §5):
/// an RPC-style `POST /` to `apigateway.<region>.aliyuncs.com` with every parameter in the query and an empty body.
///
/// | key | sent as |
/// |---|---|
/// | `region` (required) | the endpoint's host, `apigateway.<region>.aliyuncs.com` |
/// | `group_id` (required), `api_id` (required) | `GroupId`, `ApiId` |
/// | `stage` (required: `RELEASE`, `PRE`, `TEST`) | `StageName` |
/// | `description` | `Description` (required by the API; default `gitops-bridge <repository>@<short sha>`) |
/// | `endpoint` | where to send it instead (`http(s)://host[:port]`) |
/// | `signature` | `ACS3-HMAC-SHA256` (default) or `HMAC-SHA1` (RPC signature v1) |
/// | `access_key_id`, `access_key_secret`, `security_token` | references to the credentials; without them the bridge's `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and `ALIBABA_CLOUD_SECURITY_TOKEN` |
public struct AliyunDeployRequest: Sendable, Hashable {
    public static let provider = "aliyun-apigateway"
    public static let action = "DeployApi"
    public static let version = "2016-07-14"
    public static let stages = ["RELEASE", "PRE", "TEST"]

    /// How a request is signed.
    public enum Signature: String, Sendable, Hashable, CaseIterable {
        /// V3, `Authorization: ACS3-HMAC-SHA256 …`: the official SDKs' default.
        case acs3 = "ACS3-HMAC-SHA256"
        /// RPC signature v1: a `Signature` query parameter, HMAC-SHA1.
        case rpc = "HMAC-SHA1"
    }

    /// Where the credentials come from: the target's references, or (all nil) the environment.
    public struct CredentialReferences: Sendable, Hashable {
        public var accessKeyID: SecretReference?
        public var accessKeySecret: SecretReference?
        public var securityToken: SecretReference?

        public init(accessKeyID: SecretReference? = nil, accessKeySecret: SecretReference? = nil, securityToken: SecretReference? = nil) {
            self.accessKeyID = accessKeyID
            self.accessKeySecret = accessKeySecret
            self.securityToken = securityToken
        }

        public var isEmpty: Bool { accessKeyID == nil && accessKeySecret == nil && securityToken == nil }
    }

    public var region: String
    /// `https://apigateway.<region>.aliyuncs.com`, or the `endpoint` override, without a trailing slash.
    public var endpoint: String
    /// The `host` header: the endpoint's authority.
    public var host: String
    public var signature: Signature
    /// `ApiId`, `Description`, `GroupId`, `StageName`.
    public var parameters: [String: String]
    public var credentials: CredentialReferences

    public init(
        region: String, endpoint: String, host: String, signature: Signature, parameters: [String: String], credentials: CredentialReferences
    ) {
        self.region = region
        self.endpoint = endpoint
        self.host = host
        self.signature = signature
        self.parameters = parameters
        self.credentials = credentials
    }

    /// Builds the request from a target's rendered parameters, or throws every problem found. `event` gives the
    /// default description.
    public init(parameters: ConfigValue, event: PushEvent) throws(ParameterError) {
        var reader = ParameterReader(parameters, allowsTemplates: false)
        let built = Self.read(&reader, defaultDescription: Self.defaultDescription(event))
        guard let built, reader.problems.isEmpty else {
            throw ParameterError(provider: Self.provider, problems: reader.problems.map(\.message))
        }
        self = built
    }

    /// Every problem of a parameter set, empty when it is valid (templates accepted where they could render well).
    public static func problems(in parameters: ConfigValue) -> [ParameterProblem] {
        var reader = ParameterReader(parameters, allowsTemplates: true)
        _ = read(&reader, defaultDescription: "gitops-bridge")
        return reader.problems
    }

    /// The API stage it publishes, which steps are serialised on (`StepResource`):
    /// `https://apigateway.cn-hangzhou.aliyuncs.com/groups/<group>/apis/<api>/stages/RELEASE`.
    public var resource: String {
        let parts = ["groups", parameters["GroupId"] ?? "", "apis", parameters["ApiId"] ?? "", "stages", parameters["StageName"] ?? ""]
        return endpoint.lowercased() + "/" + parts.map(SigV4Signer.uriEncode).joined(separator: "/")
    }

    /// `gitops-bridge acme/shop@3f2c1ab`.
    public static func defaultDescription(_ event: PushEvent) -> String {
        "gitops-bridge \(event.repository)@\(event.sha.prefix(7))"
    }

    /// Alibaba's own endpoint for API Gateway in `region`.
    public static func defaultEndpoint(region: String) -> String {
        "https://apigateway.\(region).aliyuncs.com"
    }

    private static func read(_ reader: inout ParameterReader, defaultDescription: String) -> AliyunDeployRequest? {
        let problemsBefore = reader.problems.count
        let region = reader.identifier("region", required: true, what: "an Alibaba Cloud region such as cn-hangzhou") {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
        let endpoint = reader.string("endpoint").flatMap { reader.endpoint($0, key: "endpoint") }
        let groupID = reader.identifier("group_id", required: true, what: "letters and digits") { $0.isASCIIAlphanumeric }
        let apiID = reader.identifier("api_id", required: true, what: "letters and digits") { $0.isASCIIAlphanumeric }
        let stage = reader.has("stage") ? reader.oneOf("stage", stages) : reader.requiredString("stage")
        let description = reader.string("description") ?? defaultDescription
        let signature = reader.oneOf("signature", Signature.allCases.map(\.rawValue)).flatMap(Signature.init(rawValue:)) ?? .acs3
        var credentials = CredentialReferences()
        credentials.accessKeyID = reader.secretReference("access_key_id")
        credentials.accessKeySecret = reader.secretReference("access_key_secret")
        credentials.securityToken = reader.secretReference("security_token")
        if reader.has("access_key_id") != reader.has("access_key_secret") {
            reader.report(
                "access_key_id and access_key_secret go together: give both, or neither to use ALIBABA_CLOUD_* from the environment", at: nil)
        }
        if reader.has("security_token") && !reader.has("access_key_id") {
            reader.report(
                "security_token needs access_key_id and access_key_secret: an STS token belongs to a temporary AccessKey", at: "security_token")
        }
        _ = reader.duration(StepTimeout.key)
        reader.finish()
        guard let region, let groupID, let apiID, let stage, reader.problems.count == problemsBefore else { return nil }
        let base = endpoint ?? (defaultEndpoint(region: region), "apigateway.\(region).aliyuncs.com")
        return AliyunDeployRequest(
            region: region, endpoint: base.url, host: base.host, signature: signature,
            parameters: ["ApiId": apiID, "Description": description, "GroupId": groupID, "StageName": stage], credentials: credentials)
    }
}

/// An HTTP request ready to send: URL, headers and body, signed.
public struct SignedHTTPRequest: Sendable, Hashable {
    public var method: String
    public var url: String
    public var headers: [HeaderField]
    public var body: [UInt8]

    public init(method: String, url: String, headers: [HeaderField], body: [UInt8]) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

extension AliyunDeployRequest {
    /// The request signed with `credentials` at `date`; `nonce` must be unique per request (Alibaba refuses a reused
    /// one with `SignatureNonceUsed`).
    public func signed(credentials: AlibabaCredentials, date: Date, nonce: String) -> SignedHTTPRequest {
        let business = parameters.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        let timestamp = AlibabaSigner.timestamp(date)
        switch signature {
        case .acs3:
            var headers: [(name: String, value: String)] = [
                ("host", host), ("x-acs-action", Self.action), ("x-acs-version", Self.version), ("x-acs-date", timestamp),
                ("x-acs-signature-nonce", nonce), ("x-acs-content-sha256", Digest.sha256Hex([UInt8]())), ("accept", "application/json"),
            ]
            if let token = credentials.securityToken {
                headers += [("x-acs-accesskey-id", credentials.accessKeyID), ("x-acs-security-token", token)]
            }
            let authorization = AlibabaSigner.acs3Authorization(
                method: "POST", path: "/", query: business, headers: headers, body: [], credentials: credentials)
            return SignedHTTPRequest(
                method: "POST", url: endpoint + "/?" + AlibabaSigner.canonicalQuery(business),
                headers: headers.map { HeaderField($0.name, $0.value) } + [HeaderField("Authorization", authorization)], body: [])
        case .rpc:
            var all =
                business + [
                    ("AccessKeyId", credentials.accessKeyID), ("Action", Self.action), ("Format", "JSON"), ("SignatureMethod", "HMAC-SHA1"),
                    ("SignatureNonce", nonce), ("SignatureVersion", "1.0"), ("Timestamp", timestamp), ("Version", Self.version),
                ]
            if let token = credentials.securityToken { all.append(("SecurityToken", token)) }
            let signature = AlibabaSigner.rpcSignature(method: "POST", parameters: all, secret: credentials.accessKeySecret)
            all.append(("Signature", signature))
            return SignedHTTPRequest(
                method: "POST", url: endpoint + "/?" + AlibabaSigner.canonicalQuery(all),
                headers: [HeaderField("host", host), HeaderField("accept", "application/json")], body: [])
        }
    }

    /// The request as `explain` shows it: signed with stand-in credentials, then the AccessKey id, the token, the
    /// signature (and the RPC query's copies of them) shown as `<redacted>`.
    public func preview(date: Date) -> RequestPreview {
        let standIn = AlibabaCredentials(
            accessKeyID: "STANDINACCESSKEYID", accessKeySecret: "stand-in",
            securityToken: credentials.securityToken == nil ? nil : "STANDINSECURITYTOKEN")
        let request = signed(credentials: standIn, date: date, nonce: "<nonce>")
        func redact(_ text: String) -> String {
            var text = text.replacingOccurrences(of: "STANDINACCESSKEYID", with: RequestPreview.redacted)
                .replacingOccurrences(of: "STANDINSECURITYTOKEN", with: RequestPreview.redacted)
                .replacingOccurrences(of: AlibabaSigner.percentEncode("<nonce>"), with: "<nonce>")
            if let range = text.range(of: ",Signature=") {
                text = text[..<range.upperBound] + RequestPreview.redacted  // the ACS3 Authorization header
            } else {
                // The RPC query's Signature parameter (not SignatureMethod, SignatureNonce…).
                text = text.replacingOccurrences(of: "Signature=[^&]*", with: "Signature=" + RequestPreview.redacted, options: .regularExpression)
            }
            return text
        }
        let source =
            credentials.isEmpty
            ? "credentials: ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN of the bridge's environment"
            : "credentials: "
                + [credentials.accessKeyID, credentials.accessKeySecret, credentials.securityToken].compactMap { $0?.description }
                .joined(separator: ", ")
        return RequestPreview(
            call: "apigateway \(Self.action) (\(signature.rawValue))", method: request.method, url: redact(request.url),
            headers: request.headers.map { HeaderField($0.name, redact($0.value)) }, body: "",
            notes: [source, "finished when Alibaba answers 200 (the API is published within seconds)"])
    }
}
