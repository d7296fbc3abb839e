/// What every AWS target says besides its operation: the region, where to send requests, how to sign them, and
/// where the credentials come from.
///
/// Keys: `region` (required), `endpoint`, `sign_content_sha256`, and for credentials `profile`, `role_arn`,
/// `role_session_name`, `external_id`, `sts_endpoint`.
public struct AWSTarget: Sendable, Hashable {
    /// The keys this type reads, for messages and documentation.
    public static let keys = ["region", "endpoint", "sign_content_sha256", "profile", "role_arn", "role_session_name", "external_id", "sts_endpoint"]

    public var region: String
    /// `https://apigateway.eu-west-2.amazonaws.com`, or the `endpoint` override (`http://127.0.0.1:5123`), with no
    /// trailing slash.
    public var endpoint: String
    /// The `Host` header: the endpoint's authority as written (`127.0.0.1:5123`).
    public var host: String
    /// `sign_content_sha256: true` also sends and signs `X-Amz-Content-SHA256`. Off by default: it exists for moto
    /// and other emulators (providers.md §4) and whether every real AWS service tolerates it is not verified.
    public var signsContentSHA256: Bool
    public var credentials: AWSCredentialsSource

    public init(region: String, endpoint: String, host: String, signsContentSHA256: Bool, credentials: AWSCredentialsSource) {
        self.region = region
        self.endpoint = endpoint
        self.host = host
        self.signsContentSHA256 = signsContentSHA256
        self.credentials = credentials
    }

    /// The signer for `service` in this target's region.
    public func signer(service: String) -> SigV4Signer {
        SigV4Signer(service: service, region: region, signsContentSHA256: signsContentSHA256)
    }

    /// The full URL of `request`.
    public func url(for request: AWSRequest) -> String {
        endpoint + request.path
    }

    /// AWS's own endpoint for `service` in `region` (`.amazonaws.com.cn` in the China regions).
    public static func defaultEndpoint(service: String, region: String) -> String {
        "https://\(service).\(region).amazonaws.com\(region.hasPrefix("cn-") ? ".cn" : "")"
    }

    /// Reads the common keys; nil when one is missing or malformed (the reader holds why).
    static func read(_ reader: inout ParameterReader, service: String) -> AWSTarget? {
        let problemsBefore = reader.problems.count
        let region = reader.identifier("region", required: true, what: "an AWS region such as eu-west-2") {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
        let endpoint = reader.string("endpoint").flatMap { reader.endpoint($0, key: "endpoint") }
        let signsContentSHA256 = reader.bool("sign_content_sha256") ?? false
        let profile = reader.string("profile")
        let roleARN = reader.string("role_arn")
        if let roleARN, !(reader.allowsTemplates && ParameterReader.isTemplate(roleARN)),
            !(roleARN.hasPrefix("arn:") && roleARN.contains(":role/"))
        {
            reader.report("role_arn must be an IAM role ARN such as arn:aws:iam::123456789012:role/deployer, found \"\(roleARN)\"", at: "role_arn")
        }
        let sessionName = reader.identifier("role_session_name", what: "letters, digits and any of _+=,.@-") {
            $0.isASCIIAlphanumeric || "_+=,.@-".unicodeScalars.contains($0)
        }
        let externalID = reader.string("external_id")
        let stsEndpoint = reader.string("sts_endpoint").flatMap { reader.endpoint($0, key: "sts_endpoint") }
        guard let region, reader.problems.count == problemsBefore else { return nil }
        let base = endpoint ?? (defaultEndpoint(service: service, region: region), "\(service).\(region).amazonaws.com")
        let source = AWSCredentialsSource(
            profile: profile, roleARN: roleARN, roleSessionName: sessionName, externalID: externalID, region: region,
            stsEndpoint: stsEndpoint?.url)
        return AWSTarget(region: region, endpoint: base.url, host: base.host, signsContentSHA256: signsContentSHA256, credentials: source)
    }
}
