import BridgeCore
import Foundation
import Logging

/// One recovery pass: for each source with a `recover:` block, reads its hook's delivery log on the forge, compares it
/// with the store, and asks the forge to send again what the bridge never recorded (`RecoveryPlan` decides).
///
/// Nothing read from the forge's API is trusted as a payload: only keys are compared, and a redelivery arrives signed,
/// through the normal intake path, where a delivery already recorded is a duplicate. Each request is written to the
/// ledger (`RedeliveryLedger`) before the next pass, so it is asked for a bounded number of times.
public struct DeliveryRecovery: Sendable {
    /// How far back a pass looks when it has no earlier pass to start from (GitHub redelivers the past 3 days).
    public static let defaultLookBack: Duration = .seconds(3 * 24 * 3600)
    /// A pass after an earlier one starts this much before it: a delivery in flight during it is seen again.
    static let overlap: TimeInterval = 15 * 60

    /// What became of one delivery in a pass.
    public struct Line: Sendable, Hashable, Codable {
        public var source: String
        public var hook: String
        public var key: String
        /// `found`, `missing` (dry run), `redelivered`, `skipped` or `failed`.
        public var action: String
        public var reason: String?

        public init(source: String, hook: String, key: String, action: String, reason: String? = nil) {
            self.source = source
            self.hook = hook
            self.key = key
            self.action = action
            self.reason = reason
        }
    }

    /// Everything a pass found and did, and what kept it from reading a source.
    public struct Report: Sendable, Hashable, Codable {
        public var lines: [Line] = []
        public var problems: [String] = []
        public var redelivered: Int { lines.filter { $0.action == "redelivered" }.count }
    }

    let sources: [SourceDefinition]
    let logs: [Forge: any HookLog]
    let ledger: any RedeliveryLedger
    let publicURL: String?
    let metrics: BridgeMetrics?
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        rules: RuleSet, logs: [Forge: any HookLog], ledger: any RedeliveryLedger, publicURL: String?, metrics: BridgeMetrics? = nil,
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.sources = rules.sources.values.filter { $0.recover != nil }.sorted { $0.name < $1.name }
        self.logs = logs
        self.ledger = ledger
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    /// Whether any source is recovered at all.
    public var isEmpty: Bool { sources.isEmpty }

    /// The names of the sources a pass reads.
    public var sourceNames: [String] { sources.map(\.name) }

    /// One pass over `source` (nil: every recovered source), looking back to `since` (nil: to the last pass, at most
    /// `defaultLookBack`). A dry run asks for nothing and writes nothing.
    public func pass(source: String? = nil, since: Date? = nil, dryRun: Bool = false) async -> Report {
        var report = Report()
        for definition in sources where source == nil || definition.name == source {
            await pass(definition, since: since, dryRun: dryRun, into: &report)
        }
        return report
    }

    private func pass(_ source: SourceDefinition, since: Date?, dryRun: Bool, into report: inout Report) async {
        guard let recover = source.recover, let log = logs[source.forge] else {
            report.problems.append("source \(source.name): no status.\(source.forge.rawValue) credentials to read its hook with")
            return
        }
        let started = now()
        let from: Date
        do {
            if let since {
                from = since
            } else {
                from = try await start(of: source.name, at: started)
            }
        } catch {
            report.problems.append("source \(source.name): \(error)")
            return
        }
        var complete = true
        for owner in recover.owners {
            do {
                try await pass(source, owner: owner, hookID: recover.hook, log: log, since: from, dryRun: dryRun, into: &report)
            } catch {
                complete = false
                report.problems.append("source \(source.name), \(owner): \(error)")
                logger.warning(
                    "recovery could not read the hook", metadata: ["source": "\(source.name)", "hook.owner": "\(owner)", "error": "\(error)"])
            }
        }
        // A redelivery the forge refused is looked at again by the next pass (up to RecoveryPlan's bound), so the pass
        // is not complete; nor is one over a window given by hand (`reconcile --since`), which says nothing of the rest.
        let refused = report.lines.contains { $0.source == source.name && $0.action == "failed" }
        if complete && !refused && !dryRun && since == nil {
            try? await ledger.recordRecoveryPass(source: source.name, at: started)
        }
    }

    /// The last pass (less an overlap), but never further back than `defaultLookBack`.
    private func start(of source: String, at now: Date) async throws(StoreError) -> Date {
        let earliest = now.addingTimeInterval(-TimeInterval(Self.defaultLookBack.components.seconds))
        guard let last = try await ledger.lastRecoveryPass(source: source) else { return earliest }
        return max(earliest, last.addingTimeInterval(-Self.overlap))
    }

    /// This source's URL on the bridge, as its hook should call it.
    public func hookURL(of source: String) -> String? {
        Self.hookURL(publicURL: publicURL, source: source)
    }

    /// `<publicURL>/hooks/<source>` (a trailing slash of `publicURL` dropped); nil without a public URL.
    public static func hookURL(publicURL: String?, source: String) -> String? {
        publicURL.map { ($0.hasSuffix("/") ? String($0.dropLast()) : $0) + "/hooks/\(source)" }
    }

    private func pass(
        _ source: SourceDefinition, owner: HookOwner, hookID: String?, log: any HookLog, since: Date, dryRun: Bool, into report: inout Report
    ) async throws {
        guard let hook = try await log.hook(of: owner, url: hookURL(of: source.name), id: hookID) else {
            let wanted = hookID.map { "hook \($0)" } ?? hookURL(of: source.name).map { "hook calling \($0)" }
            throw RecoveryError(
                wanted.map { "\(owner) has no \($0); name the hook with recover.hook" }
                    ?? "the hook cannot be found without --public-url: name it with recover.hook, or give --public-url")
        }
        let entries = try await log.deliveries(of: owner, hook: hook.id, since: since).filter { $0.deliveredAt >= since }
        let keys = Array(Set(entries.map(\.key)))
        let plan = RecoveryPlan(
            log: entries, recorded: try await ledger.recordedKeys(source: source.name, keys: keys),
            redeliveries: try await ledger.redeliveryCounts(source: source.name, keys: keys))
        // Oldest first, by when each was first sent: recorded in the forge's order, a newer push supersedes an older one
        // (README: How runs are executed), never the other way round.
        let firstSent = Dictionary(entries.map { ($0.key, $0.deliveredAt) }, uniquingKeysWith: min)
        // The log lists newest first: reversed, sent in the same second keep their order (the sort is stable).
        let ordered = plan.items.reversed().sorted { (firstSent[$0.delivery.key] ?? .distantPast) < (firstSent[$1.delivery.key] ?? .distantPast) }
        for item in ordered {
            var line = Line(source: source.name, hook: "\(owner) hook \(hook.id)", key: item.delivery.key, action: "found")
            switch item.verdict {
            case .found: break
            case .skipped(let reason):
                line.action = "skipped"
                line.reason = reason
            case .missing:
                line =
                    dryRun
                    ? Line(source: line.source, hook: line.hook, key: line.key, action: "missing", reason: "dry run")
                    : await redeliver(item.delivery, source: source, owner: owner, hook: hook.id, log: log, line: line)
            }
            report.lines.append(line)
        }
    }

    private func redeliver(
        _ delivery: HookDelivery, source: SourceDefinition, owner: HookOwner, hook: String, log: any HookLog, line: Line
    ) async -> Line {
        var line = line
        let metadata: Logger.Metadata = ["source": "\(source.name)", "delivery.key": "\(delivery.key)", "hook.owner": "\(owner)"]
        var record = RedeliveryRecord(source: source.name, key: delivery.key, forgeDeliveryID: delivery.id, requestedAt: now(), outcome: "requested")
        do {
            try await log.redeliver(delivery, of: owner, hook: hook)
            line.action = "redelivered"
            line.reason = delivery.statusCode.map { "answered \($0) when sent" } ?? "no answer when sent"
            metrics?.countRecoveredDelivery(source: source.name, forge: source.forge.rawValue)
            logger.info("delivery recovered: redelivery asked of the forge", metadata: metadata)
        } catch {
            record.outcome = "failed"
            record.detail = "\(error)"
            line.action = "failed"
            line.reason = "\(error)"
            logger.warning("redelivery refused by the forge", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
        do {
            try await ledger.recordRedelivery(record)
        } catch {
            logger.error("redelivery not written to the ledger", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
        return line
    }
}

/// Why recovery could not read a source's hook.
public struct RecoveryError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
