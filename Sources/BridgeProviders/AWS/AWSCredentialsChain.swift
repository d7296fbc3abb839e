import AsyncHTTPClient
import BridgeCore
import Foundation
import Logging

/// AWS's standard credentials chain, as botocore walks it, with an optional role assumed on top, cached per source
/// and refreshed before expiry.
///
/// Base credentials, first found wins (https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html,
/// botocore `credentials.py` `create_credential_resolver`):
/// 1. `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`, unless the source names a profile;
/// 2. the profile's role (`role_arn` with `source_profile`, `credential_source` or `web_identity_token_file`), from
///    the shared files, for `source.profile ?? AWS_PROFILE ?? "default"` (a named profile must exist);
/// 3. `AWS_WEB_IDENTITY_TOKEN_FILE` with `AWS_ROLE_ARN`, unless the source names a profile;
/// 4. the profile's own keys (credentials file, then config file);
/// 5. the ECS/EKS container endpoint; 6. EC2 instance metadata (IMDSv2), unless `AWS_EC2_METADATA_DISABLED=true`.
///
/// Then, when `source.roleARN` is set, STS `AssumeRole` with those. STS is called in `source.region`, at
/// `source.stsEndpoint` when given. Temporary credentials are refreshed from where they came from once within
/// `refreshMargin` of expiry; concurrent callers share one refresh. Errors never contain a secret.
public final class AWSCredentialsChain: AWSCredentialsProvider {
    /// How long each kind of endpoint may take, the whole exchange included.
    public struct Timeouts: Sendable, Hashable {
        public var sts: Duration
        public var container: Duration
        /// Short, so that a host that is not an EC2 instance gives up quickly (botocore: 1 s).
        public var instanceMetadata: Duration

        public init(sts: Duration = .seconds(10), container: Duration = .seconds(2), instanceMetadata: Duration = .seconds(1)) {
            self.sts = sts
            self.container = container
            self.instanceMetadata = instanceMetadata
        }
    }

    /// The `RoleSessionName` when neither the source, the profile nor `AWS_ROLE_SESSION_NAME` gives one.
    public static let defaultSessionName = "gitops-bridge"

    let environment: AWSEnvironment
    let httpClient: ProviderHTTPClient
    let now: @Sendable () -> Date
    let timeouts: Timeouts
    let logger: Logger
    let container: ContainerCredentials
    let instanceMetadata: InstanceMetadataCredentials
    /// `http://169.254.170.2`, or a stand-in's address: where `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` points.
    let containerHost: String
    private let cache: CachedCredentials

    /// A chain reading `environment` (the process environment, or a test's). `imdsEndpoint` is overridden by
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT`; `containerHost` is where a relative container URI is resolved.
    public init(
        environment: [String: String], httpClient: ProviderHTTPClient, now: @escaping @Sendable () -> Date = { Date() },
        imdsEndpoint: String = "http://169.254.169.254", containerHost: String = "http://169.254.170.2",
        refreshMargin: Duration = .seconds(300), timeouts: Timeouts = Timeouts(),
        logger: Logger = Logger(label: "gitops-bridge.aws-credentials")
    ) {
        let environment = AWSEnvironment(environment)
        self.environment = environment
        self.httpClient = httpClient
        self.now = now
        self.timeouts = timeouts
        self.logger = logger
        self.containerHost = containerHost
        self.container = ContainerCredentials(httpClient: httpClient, timeout: timeouts.container)
        self.instanceMetadata = InstanceMetadataCredentials(
            httpClient: httpClient, endpoint: environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? imdsEndpoint,
            timeout: timeouts.instanceMetadata)
        self.cache = CachedCredentials(refreshMargin: refreshMargin, now: now)
    }

    /// Credentials for `source`: cached ones while fresh, else resolved (or refreshed) now.
    public func credentials(for source: AWSCredentialsSource) async throws(ProviderError) -> AWSCredentials {
        try await cache.credentials(for: source) { [self] previous async throws(ProviderError) -> ResolvedCredentials in
            let resolved = try await resolve(source, previous: previous)
            logger.debug(
                "AWS credentials \(previous == nil ? "resolved" : "refreshed")",
                metadata: [
                    "aws.credentials.origin": "\(resolved.origin.name)", "aws.region": "\(source.region)",
                    "aws.credentials.expiration": "\(resolved.credentials.expiration.map { "\($0)" } ?? "never")",
                ])
            return resolved
        }
    }

    private func resolve(_ source: AWSCredentialsSource, previous: ResolvedCredentials?) async throws(ProviderError) -> ResolvedCredentials {
        if let roleARN = source.roleARN {
            let base = try await credentials(for: Self.baseSource(of: source))
            let role = STSClient.RoleRequest(
                roleARN: roleARN, sessionName: source.roleSessionName ?? Self.defaultSessionName, externalID: source.externalID,
                durationSeconds: nil)
            return ResolvedCredentials(credentials: try await sts(source).assumeRole(role, with: base), origin: .assumedRole)
        }
        guard let previous else { return try await discover(source) }
        return try await refresh(previous.origin, source: source)
    }

    /// The source without its role: where the role's base credentials come from (cached on their own).
    static func baseSource(of source: AWSCredentialsSource) -> AWSCredentialsSource {
        AWSCredentialsSource(profile: source.profile, region: source.region, stsEndpoint: source.stsEndpoint)
    }

    /// Asks again where the previous credentials came from.
    private func refresh(_ origin: CredentialsOrigin, source: AWSCredentialsSource) async throws(ProviderError) -> ResolvedCredentials {
        switch origin {
        case .environment, .assumedRole:
            return try await discover(source)
        case .profile(let name):
            switch try profileResolver().plan(for: name) {
            case .keys(let keys): return ResolvedCredentials(credentials: keys, origin: origin)
            case .role(let plan): return ResolvedCredentials(credentials: try await run(plan, source: source), origin: origin)
            case nil: throw .permanent("AWS profile \"\(name)\" no longer has credentials")
            }
        case .webIdentity(let tokenFile, let role):
            return ResolvedCredentials(credentials: try await webIdentity(tokenFile: tokenFile, role: role, source: source), origin: origin)
        case .container(let endpoint):
            return ResolvedCredentials(credentials: try await container.fetch(endpoint), origin: origin)
        case .instanceMetadata:
            switch try await instanceMetadata.fetch() {
            case .credentials(let credentials): return ResolvedCredentials(credentials: credentials, origin: origin)
            case .unavailable(let reason): throw .retryable(reason)
            }
        }
    }

    func sts(_ source: AWSCredentialsSource) -> STSClient {
        STSClient(httpClient: httpClient, region: source.region, endpoint: source.stsEndpoint, timeout: timeouts.sts, now: now)
    }
}
