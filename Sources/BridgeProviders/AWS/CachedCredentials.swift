import BridgeCore
import Foundation

/// Credentials as resolved, with how to get them again.
struct ResolvedCredentials: Sendable {
    var credentials: AWSCredentials
    var origin: CredentialsOrigin
}

/// Where credentials came from: a refresh asks the same place again, as botocore's `RefreshableCredentials` do.
enum CredentialsOrigin: Sendable {
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
    case environment
    /// The shared files' profile: its keys, or its role chain.
    case profile(String)
    /// `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN`.
    case webIdentity(tokenFile: String, role: STSClient.RoleRequest)
    case container(ContainerCredentials.Endpoint)
    case instanceMetadata
    /// `AWSCredentialsSource.roleARN`, assumed with the source's base credentials.
    case assumedRole

    /// For logs: the kind, never a value.
    var name: String {
        switch self {
        case .environment: "environment"
        case .profile: "profile"
        case .webIdentity: "web-identity"
        case .container: "container"
        case .instanceMetadata: "instance-metadata"
        case .assumedRole: "assume-role"
        }
    }
}

/// Credentials per source, refreshed once they are within `refreshMargin` of expiring; concurrent callers of one
/// source share a single resolution (no burst of STS calls when many deployments start together).
///
/// A failed refresh keeps handing out the previous credentials while more than half the margin remains before
/// they expire (botocore's advisory versus mandatory refresh), so a brief STS or metadata outage costs nothing.
actor CachedCredentials {
    private enum Slot {
        case ready(ResolvedCredentials)
        case resolving(Task<ResolvedCredentials, any Error>)
    }

    private var slots: [AWSCredentialsSource: Slot] = [:]
    private let refreshMargin: Duration
    private let now: @Sendable () -> Date

    init(refreshMargin: Duration, now: @escaping @Sendable () -> Date) {
        self.refreshMargin = refreshMargin
        self.now = now
    }

    /// The cached credentials for `source` while fresh; otherwise the result of `resolve`, which is given the previous
    /// resolution to refresh (nil the first time, and after a failure with nothing cached).
    func credentials(
        for source: AWSCredentialsSource,
        resolve: @escaping @Sendable (ResolvedCredentials?) async throws(ProviderError) -> ResolvedCredentials
    ) async throws(ProviderError) -> AWSCredentials {
        let previous: ResolvedCredentials?
        switch slots[source] {
        case .ready(let resolved) where !needsRefresh(resolved.credentials, margin: refreshMargin):
            return resolved.credentials
        case .ready(let resolved):
            previous = resolved
        case .resolving(let task):
            return try await Self.value(of: task).credentials
        case nil:
            previous = nil
        }
        let fallbackMargin = refreshMargin / 2
        let task = Task { [now] () async throws -> ResolvedCredentials in
            do {
                return try await resolve(previous)
            } catch {
                guard let previous, let expiration = previous.credentials.expiration,
                    now().addingTimeInterval(Self.seconds(fallbackMargin)) < expiration
                else { throw error }
                return previous
            }
        }
        slots[source] = .resolving(task)
        // Only this caller replaces the slot; others that joined meanwhile just read the task's value.
        let result = await task.result
        switch result {
        case .success(let resolved): slots[source] = .ready(resolved)
        case .failure: slots[source] = previous.map(Slot.ready)
        }
        return try Self.value(of: result).credentials
    }

    private func needsRefresh(_ credentials: AWSCredentials, margin: Duration) -> Bool {
        guard let expiration = credentials.expiration else { return false }
        return now().addingTimeInterval(Self.seconds(margin)) >= expiration
    }

    private static func value(of task: Task<ResolvedCredentials, any Error>) async throws(ProviderError) -> ResolvedCredentials {
        try value(of: await task.result)
    }

    private static func value(of result: Result<ResolvedCredentials, any Error>) throws(ProviderError) -> ResolvedCredentials {
        switch result {
        case .success(let resolved): return resolved
        case .failure(let error as ProviderError): throw error
        case .failure(let error): throw .retryable("AWS credentials: \(error)")
        }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
