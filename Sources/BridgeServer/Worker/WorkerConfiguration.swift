import BridgeCore
import Foundation

/// How the deployment worker runs (`gitops-bridge serve --workers … --max-attempts … --shutdown-grace …`).
public struct WorkerConfiguration: Sendable {
    /// Steps run at the same time (each on a different target).
    public var slots: Int
    /// How long a claimed step is leased; renewed every third of it, and at least every second, while the step runs.
    public var lease: Duration
    /// How often an idle slot looks for work without being woken (retry times, expired leases, other processes).
    public var idlePoll: Duration
    /// How often an asynchronous deployment (CodeDeploy, Pulumi) is polled.
    public var providerPoll: Duration
    /// Attempts and backoff for retryable provider errors.
    public var retry: RetryPolicy
    /// Attempts and backoff for status updates to the forge.
    public var statusRetry: RetryPolicy
    /// On SIGTERM, how long running steps may take to finish before their leases are released.
    public var shutdownGrace: Duration
    /// This worker's name on the leases it holds.
    public var owner: String
    /// Where people reach the bridge's pages (`serve --dashboard-url`), without a trailing slash: status updates link
    /// to the run's page, `<url>/runs/<id>`. Nil: no link.
    public var dashboardURL: String?

    public init(
        slots: Int = 4, lease: Duration = .seconds(60), idlePoll: Duration = .seconds(1), providerPoll: Duration = .seconds(5),
        retry: RetryPolicy = RetryPolicy(), statusRetry: RetryPolicy = RetryPolicy(maximumAttempts: 12, maximumDelay: .seconds(600)),
        shutdownGrace: Duration = .seconds(60), owner: String = WorkerConfiguration.defaultOwner(), dashboardURL: String? = nil
    ) {
        self.slots = slots
        self.lease = lease
        self.idlePoll = idlePoll
        self.providerPoll = providerPoll
        self.retry = retry
        self.statusRetry = statusRetry
        self.shutdownGrace = shutdownGrace
        self.owner = owner
        self.dashboardURL = dashboardURL
    }

    /// `host:pid:random`, unique per process start, so a restarted bridge never mistakes old leases for its own.
    public static func defaultOwner() -> String {
        let random = Hex.encode(Digest.randomBytes(4))
        return "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(random)"
    }
}
