import BridgeCore
import Foundation

/// A source of the loaded rules, where it is reached, and what it last received (`GET /api/v1/sources`).
public struct SourceView: Sendable, Hashable, Codable {
    public var name: String
    public var forge: Forge
    /// `/hooks/<name>`, on the webhook listener.
    public var webhookPath: String
    /// The full webhook URL, when the bridge knows its public address (`--public-url`).
    public var webhookURL: String?
    /// Its newest delivery's time, status and reason.
    public var lastDelivery: DeliverySummary?
    /// Deliveries received in the last 24 hours.
    public var deliveriesLast24h: Int
}

/// A target of the loaded rules: never its parameters' values, which may hold secrets or secret references.
public struct TargetView: Sendable, Hashable, Codable {
    public var name: String
    public var provider: String
    /// The rules that deploy to it, in rules-file order.
    public var rules: [String]
}

/// A rule of the loaded rules, summarised (`GET /api/v1/rules`).
public struct RuleView: Sendable, Hashable, Codable {
    public var name: String
    public var source: String
    /// `branch` (push) or `tag`.
    public var on: RefKind
    public var branches: [String]
    public var tags: [String]
    public var paths: [String]
    public var repositories: [String]
    public var environment: String?
    /// The targets of its deploy steps, in order.
    public var targets: [String]
    /// `deployment`, `commit-status`, `both` or `none`; nil: the forge's default.
    public var report: ReportMode?
}

/// The loaded rules: their files' digest and every rule.
public struct RulesView: Sendable, Hashable, Codable {
    /// `sha256:<hex>` of the rules files' contents, in load order, as read at start-up.
    public var digest: String?
    public var files: [String]
    public var rules: [RuleView]
}

/// What the overview shows (`GET /api/v1/overview`).
public struct OverviewView: Sendable, Hashable, Codable {
    public var queue: QueueCounts
    /// Runs in progress now, newest first.
    public var running: [RunSummary]
    /// The last failed runs, newest first.
    public var recentFailures: [RunSummary]
    public var sources: [SourceView]
}

/// A step's log (`GET /api/v1/runs/{id}/steps/{position}/log`).
public struct StepLogView: Sendable, Hashable, Codable {
    public var run: Int64
    public var position: Int
    public var status: String
    /// The log so far; empty when it wrote none.
    public var log: String
    /// Whether the step is over (succeeded, failed, canceled or skipped): no more lines will come.
    public var finished: Bool
}
