import BridgeCore
import Foundation

/// What the admin API and the admin pages show, computed once for both: the store's records and the loaded rules.
public struct AdminData: Sendable {
    /// Failed runs the overview lists, and running runs at most.
    static let overviewRuns = 10

    let store: any DeliveryStore
    /// The rules in force and their digest, read anew for each answer (the rules may be reloaded).
    private(set) var currentRules: @Sendable () -> (rules: RuleSet, digest: String?)
    var ruleSet: RuleSet { currentRules().rules }
    /// The webhook listener's public base URL, without a trailing slash.
    let publicURL: String?
    let now: @Sendable () -> Date

    public init(
        store: any DeliveryStore, rules: RuleSet, rulesDigest: String? = nil, publicURL: String? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.currentRules = { (rules, rulesDigest) }
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.now = now
    }

    /// Shows the rules `live` holds at each answer.
    public init(store: any DeliveryStore, live: LiveRules, publicURL: String? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(store: store, rules: live.current.rules, publicURL: publicURL, now: now)
        self.currentRules = {
            let snapshot = live.current
            return (snapshot.rules, snapshot.version)
        }
    }

    public func overview() async throws(StoreError) -> OverviewView {
        let queue = try await store.queueCounts()
        let running = try await store.runs(RunQuery(limit: Self.overviewRuns, status: "running")).items
        let failures = try await store.runs(RunQuery(limit: Self.overviewRuns, status: "failed")).items
        return OverviewView(queue: queue, running: running, recentFailures: failures, sources: try await sources())
    }

    public func deliveries(_ query: DeliveryQuery) async throws(StoreError) -> Page<DeliverySummary> {
        try await store.deliveries(query)
    }

    public func delivery(id: Int64) async throws(StoreError) -> DeliveryDetail {
        try await store.delivery(id: id)
    }

    public func runs(_ query: RunQuery) async throws(StoreError) -> Page<RunSummary> {
        try await store.runs(query)
    }

    public func run(id: Int64) async throws(StoreError) -> RunDetail {
        try await store.run(id: id)
    }

    /// A step's log; `notFound` when the run has no step at that position.
    public func stepLog(run id: Int64, position: Int) async throws(StoreError) -> StepLogView {
        let run = try await store.run(id: id)
        guard let step = run.steps.first(where: { $0.position == position }) else { throw .notFound("step \(position) of run \(id)") }
        let finished = StepStatus(rawValue: step.status)?.isFinished ?? true
        return StepLogView(run: id, position: position, status: step.status, log: step.log ?? "", finished: finished)
    }

    /// Every source of the rules, by name, with its last delivery and its deliveries of the last 24 hours.
    public func sources() async throws(StoreError) -> [SourceView] {
        let names = ruleSet.sources.keys.sorted()
        let activity = try await store.sourceActivity(sources: names, since: now().addingTimeInterval(-86_400))
        return zip(names, activity).compactMap { name, activity in
            guard let source = ruleSet.sources[name] else { return nil }
            let path = "/hooks/\(name)"
            return SourceView(
                name: name, forge: source.forge, webhookPath: path, webhookURL: publicURL.map { $0 + path },
                lastDelivery: activity.lastDelivery, deliveriesLast24h: activity.recentDeliveries)
        }
    }

    /// Every target, by name, with the rules that deploy to it; no parameter is shown.
    public func targets() -> [TargetView] {
        ruleSet.targets.keys.sorted().compactMap { name in
            guard let target = ruleSet.targets[name] else { return nil }
            let using = ruleSet.rules.filter { rule in rule.deploy.contains { $0.target == name } }.map(\.name)
            return TargetView(name: name, provider: target.provider, rules: using)
        }
    }

    /// The loaded rules, in file order.
    public func rules() -> RulesView {
        let (ruleSet, rulesDigest) = currentRules()
        let views = ruleSet.rules.map { rule in
            RuleView(
                name: rule.name, source: rule.source, on: rule.on, branches: rule.branches, tags: rule.tags, paths: rule.paths,
                repositories: rule.repositories, environment: rule.environment, targets: rule.deploy.map(\.target), report: rule.report)
        }
        return RulesView(digest: rulesDigest, files: ruleSet.files, rules: views)
    }

    /// `sha256:<hex>` of the files' contents in order; nil when one cannot be read.
    public static func digest(files: [String]) -> String? {
        var bytes: [UInt8] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { return nil }
            bytes += Array(file.utf8) + [0] + Array(data) + [0]
        }
        return "sha256:" + Digest.sha256Hex(bytes)
    }

    /// The same digest, of contents already read.
    public static func digest(contents files: [(path: String, contents: String)]) -> String {
        var bytes: [UInt8] = []
        for file in files { bytes += Array(file.path.utf8) + [0] + Array(file.contents.utf8) + [0] }
        return "sha256:" + Digest.sha256Hex(bytes)
    }
}
