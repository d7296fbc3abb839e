/// How a target gets its AWS credentials: the standard chain, optionally through a named profile and/or an
/// assumed role (rules keys `profile`, `role_arn`, `role_session_name`, `external_id`, `sts_endpoint`).
public struct AWSCredentialsSource: Sendable, Hashable {
    /// A profile of the shared config and credentials files; nil: `AWS_PROFILE`, else `default`, else the chain.
    public var profile: String?
    /// A role to assume with STS `AssumeRole` on top of the base credentials.
    public var roleARN: String?
    public var roleSessionName: String?
    public var externalID: String?
    /// The region STS is called in (the target's region).
    public var region: String
    /// An STS endpoint override (tests point it at a loopback stand-in; users at a VPC endpoint).
    public var stsEndpoint: String?

    public init(
        profile: String? = nil, roleARN: String? = nil, roleSessionName: String? = nil, externalID: String? = nil, region: String,
        stsEndpoint: String? = nil
    ) {
        self.profile = profile
        self.roleARN = roleARN
        self.roleSessionName = roleSessionName
        self.externalID = externalID
        self.region = region
        self.stsEndpoint = stsEndpoint
    }
}

/// Supplies AWS credentials, refreshing temporary ones before they expire. Errors are `ProviderError`s
/// (permanent when nothing in the chain has credentials; retryable when a credentials endpoint is unreachable).
public protocol AWSCredentialsProvider: Sendable {
    func credentials(for source: AWSCredentialsSource) async throws(ProviderError) -> AWSCredentials
}

/// Fixed credentials (tests, and the moto recipe's generated key).
public struct StaticAWSCredentialsProvider: AWSCredentialsProvider {
    public let value: AWSCredentials

    public init(_ value: AWSCredentials) {
        self.value = value
    }

    public func credentials(for source: AWSCredentialsSource) async throws(ProviderError) -> AWSCredentials { value }
}
