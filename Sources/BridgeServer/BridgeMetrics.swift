import Foundation
import Metrics
import Prometheus
import Synchronization

/// The bridge's metrics, recorded through swift-metrics on a `PrometheusMetricsFactory` over a registry of the bridge's
/// own, which `/metrics` renders.
///
/// Each bridge has its own factory, passed to every metric it makes, so tests stay independent. `serve` also bootstraps
/// the process-wide `MetricsSystem` with the same factory: what reports through it (Hummingbird's `MetricsMiddleware`
/// for HTTP requests, libraries that use swift-metrics) lands in the same registry.
public final class BridgeMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    /// Makes every metric of this bridge.
    public let factory: PrometheusMetricsFactory
    /// The `gitops_bridge_rules_info` gauge of the version in force, destroyed when another replaces it.
    private let rulesInfo = Mutex<(version: String, gauge: Metrics.Gauge)?>(nil)

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.factory = Self.factory(registry: registry)
    }

    /// A factory over `registry` with the bridge's buckets, which renames Hummingbird's HTTP metrics to the bridge's.
    static func factory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = durationBuckets
        factory.durationHistogramBuckets = [Name.stepDuration: stepBuckets]
        factory.nameAndLabelSanitizer = { name, labels in PrometheusNames.rename(name, labels) }
        return factory
    }

    /// Makes this bridge's factory the process-wide one (`serve` only: the `MetricsSystem` is bootstrapped once per
    /// process), so what reports through swift-metrics (Hummingbird's `MetricsMiddleware`, libraries) lands on `/metrics`.
    public func bootstrapProcessWide() {
        MetricsSystem.bootstrap(factory)
    }

    enum Name {
        static let deliveries = "gitops_bridge_deliveries_total"
        static let recoveredDeliveries = "gitops_bridge_recovered_deliveries_total"
        static let runs = "gitops_bridge_runs_total"
        static let stepDuration = "gitops_bridge_step_duration_seconds"
        static let queueDepth = "gitops_bridge_queue_depth"
        static let statusPosts = "gitops_bridge_status_posts_total"
        static let connectionsClosed = "gitops_bridge_http_connections_closed_total"
        static let rulesInfo = "gitops_bridge_rules_info"
        static let rulesReloads = "gitops_bridge_rules_reloads_total"
        static let rulesLastReloadSuccess = "gitops_bridge_rules_last_reload_success"
        static let rulesLastReloadTimestamp = "gitops_bridge_rules_last_reload_timestamp_seconds"
    }

    /// HTTP requests take milliseconds: from half a millisecond to five seconds.
    static let durationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]

    /// Steps take seconds to half an hour (a CodeDeploy deployment, a Pulumi update).
    static let stepBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(30), .seconds(60), .seconds(120),
        .seconds(300), .seconds(600), .seconds(1800),
    ]

    /// Counts a delivery by source and outcome (`queued`, `duplicate_delivery`, `duplicate_push`, `ignored`, `ping`,
    /// `unauthorized`, `malformed`, `too_large`, `body_timeout`, `store_unavailable`, `unknown_source`, and, refused
    /// before the body is read, `rate_limited` and `overloaded`).
    public func countDelivery(source: String, outcome: String) {
        Metrics.Counter(label: Name.deliveries, dimensions: [("source", source), ("outcome", outcome)], factory: factory).increment()
    }

    /// Counts a delivery recovery asked a forge to send again, by source and forge.
    public func countRecoveredDelivery(source: String, forge: String) {
        Metrics.Counter(label: Name.recoveredDeliveries, dimensions: [("source", source), ("forge", forge)], factory: factory).increment()
    }

    /// Counts a run that ended, by status (`succeeded`, `failed`, `canceled`).
    public func countRun(status: String) {
        Metrics.Counter(label: Name.runs, dimensions: [("status", status)], factory: factory).increment()
    }

    /// Records how long a step took (start or resume to outcome), by provider.
    public func recordStep(provider: String, duration: Duration) {
        Metrics.Timer(label: Name.stepDuration, dimensions: [("provider", provider)], factory: factory).record(duration: duration)
    }

    /// Sets how many steps wait to run.
    public func setQueueDepth(_ depth: Int) {
        Metrics.Gauge(label: Name.queueDepth, factory: factory).record(depth)
    }

    /// Counts status reports to forges by result (`sent`, `retry`, `rate_limited`, `given_up`, `not_configured`).
    public func countStatusPost(reporter: String, result: String) {
        Metrics.Counter(label: Name.statusPosts, dimensions: [("reporter", reporter), ("result", result)], factory: factory).increment()
    }

    /// Counts connections the listener closed to protect itself, by reason (`connection_limit`, `body_timeout`,
    /// `header_too_large`).
    public func countClosedConnection(reason: String) {
        Metrics.Counter(label: Name.connectionsClosed, dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// Shows the rules in force: `gitops_bridge_rules_info{version}` is 1 for their version, and gone for the one before.
    public func rulesLoaded(version: String?) {
        let version = version ?? "unknown"
        let gauge = Metrics.Gauge(label: Name.rulesInfo, dimensions: [("version", version)], factory: factory)
        gauge.record(1)
        let replaced = rulesInfo.withLock { current in
            defer { current = (version, gauge) }
            return current?.version == version ? nil : current?.gauge
        }
        replaced?.destroy()
    }

    /// Counts a rules reload by result (`success`, `failure`) and keeps the last one's outcome and time.
    public func rulesReloaded(succeeded: Bool, at date: Date, version: String?) {
        Metrics.Counter(label: Name.rulesReloads, dimensions: [("result", succeeded ? "success" : "failure")], factory: factory).increment()
        Metrics.Gauge(label: Name.rulesLastReloadSuccess, factory: factory).record(succeeded ? 1 : 0)
        Metrics.Gauge(label: Name.rulesLastReloadTimestamp, factory: factory).record(date.timeIntervalSince1970)
        if succeeded { rulesLoaded(version: version) }
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> String {
        registry.emitToString()
    }
}

/// Names on Prometheus's terms: Hummingbird's HTTP metrics take the bridge's names and label names (the README's
/// `gitops_bridge_http_*`); any other swift-metrics name or label has what Prometheus does not allow replaced by `_`.
enum PrometheusNames {
    static let http: [String: String] = [
        "http.server.request.duration": "gitops_bridge_http_request_duration_seconds",
        "hb.requests": "gitops_bridge_http_requests_total",
        "hb.request.errors": "gitops_bridge_http_request_errors_total",
        "http.server.active_requests": "gitops_bridge_http_active_requests",
    ]
    static let labels: [String: String] = [
        "http.route": "route", "http.request.method": "method", "http.response.status_code": "status", "error.type": "status",
    ]

    static func rename(_ name: String, _ labels: [(String, String)]) -> (String, [(String, String)]) {
        let renamed = http[name] ?? sanitized(name)
        return (renamed, labels.map { (key, value) in (Self.labels[key] ?? sanitized(key), value) })
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*` for names (labels allow no colon, and none of ours has one).
    static func sanitized(_ name: String) -> String {
        // Every metric is made again at each use (Hummingbird's at each request): a valid name is returned as it is.
        if isValid(name) { return name }
        var result = String(
            name.unicodeScalars.map { scalar -> Character in
                let allowed = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == ":")
                return allowed ? Character(scalar) : "_"
            })
        if let first = result.unicodeScalars.first, ("0"..."9").contains(first) { result = "_" + result }
        return result
    }

    /// Whether `name` needs no change: not empty, no leading digit, only ASCII letters, digits, `_` and `:`.
    static func isValid(_ name: String) -> Bool {
        var utf8 = name.utf8.makeIterator()
        guard let first = utf8.next(), !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first), isAllowed(first) else { return false }
        while let byte = utf8.next() {
            guard isAllowed(byte) else { return false }
        }
        return true
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: ":"):
            true
        default: false
        }
    }
}
