import Foundation
import Prometheus
import Synchronization

/// The bridge's Prometheus metrics, on a registry of its own (no process-wide bootstrap, so tests stay independent).
public final class BridgeMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    /// The `gitops_bridge_rules_info` gauge of the version in force, removed when another replaces it.
    private let rulesInfo = Mutex<(version: String, gauge: Gauge)?>(nil)

    private static let durationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Counts a delivery by source and outcome (`queued`, `duplicate_delivery`, `duplicate_push`, `ignored`, `ping`,
    /// `unauthorized`, `malformed`, `too_large`, `body_timeout`, `store_unavailable`, `unknown_source`, and, refused
    /// before the body is read, `rate_limited` and `overloaded`).
    public func countDelivery(source: String, outcome: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "gitops_bridge", metricName: "deliveries", unitName: "total",
                helpText: "Webhook deliveries by source and outcome."),
            labels: [("source", source), ("outcome", outcome)]
        ).increment()
    }

    /// Counts a delivery recovery asked a forge to send again, by source and forge.
    public func countRecoveredDelivery(source: String, forge: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "gitops_bridge", metricName: "recovered_deliveries", unitName: "total",
                helpText: "Missed deliveries recovery asked the forge to send again, by source and forge."),
            labels: [("source", source), ("forge", forge)]
        ).increment()
    }

    /// Records how long a request took, by route and status code.
    public func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "gitops_bridge", subsystem: "http", metricName: "request_duration", unitName: "seconds",
                helpText: "HTTP request durations by route, method and status."),
            labels: [("route", route), ("method", method), ("status", String(status))],
            buckets: Self.durationBuckets
        ).record(duration)
    }

    /// Counts a run that ended, by status (`succeeded`, `failed`, `canceled`).
    public func countRun(status: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "gitops_bridge", metricName: "runs", unitName: "total", helpText: "Runs that ended, by status."),
            labels: [("status", status)]
        ).increment()
    }

    /// Records how long a step took (start or resume to outcome), by provider.
    public func recordStep(provider: String, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "gitops_bridge", metricName: "step_duration", unitName: "seconds",
                helpText: "Step durations by provider."),
            labels: [("provider", provider)],
            buckets: Self.stepBuckets
        ).record(duration)
    }

    /// Sets how many steps wait to run.
    public func setQueueDepth(_ depth: Int) {
        registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "gitops_bridge", metricName: "queue_depth", unitName: "", helpText: "Steps waiting to run.")
        ).set(Double(depth))
    }

    /// Counts status reports to forges by result (`sent`, `retry`, `given_up`, `not_configured`).
    public func countStatusPost(reporter: String, result: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "gitops_bridge", metricName: "status_posts", unitName: "total",
                helpText: "Deployment status reports to forges, by reporter and result."),
            labels: [("reporter", reporter), ("result", result)]
        ).increment()
    }

    /// Counts connections the listener closed to protect itself, by reason (`connection_limit`, `body_timeout`,
    /// `header_too_large`).
    public func countClosedConnection(reason: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "gitops_bridge", subsystem: "http", metricName: "connections_closed", unitName: "total",
                helpText: "Connections closed by the bridge to protect itself, by reason."),
            labels: [("reason", reason)]
        ).increment()
    }

    /// Shows the rules in force: `gitops_bridge_rules_info{version}` is 1 for their version (and gone for the one before).
    public func rulesLoaded(version: String?) {
        let version = version ?? "unknown"
        let descriptor = MetricNameDescriptor(
            namespace: "gitops_bridge", metricName: "rules_info", unitName: "", helpText: "The rules in force, by version (a digest).")
        let gauge = registry.makeGauge(descriptor: descriptor, labels: [("version", version)])
        gauge.set(1.0)
        let replaced = rulesInfo.withLock { current in
            defer { current = (version, gauge) }
            return current?.version == version ? nil : current?.gauge
        }
        if let replaced { registry.unregisterGauge(replaced) }
    }

    /// Counts a rules reload by result (`success`, `failure`) and keeps the last one's outcome and time.
    public func rulesReloaded(succeeded: Bool, at date: Date, version: String?) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "gitops_bridge", metricName: "rules_reloads", unitName: "total", helpText: "Rules reloads by result."),
            labels: [("result", succeeded ? "success" : "failure")]
        ).increment()
        registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "gitops_bridge", metricName: "rules_last_reload_success", unitName: "",
                helpText: "Whether the last rules reload succeeded (1) or was refused (0).")
        ).set(succeeded ? 1.0 : 0.0)
        registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "gitops_bridge", metricName: "rules_last_reload_timestamp", unitName: "seconds",
                helpText: "When the last rules reload was tried, in seconds since 1970.")
        ).set(date.timeIntervalSince1970)
        if succeeded { rulesLoaded(version: version) }
    }

    private static let stepBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(30), .seconds(60), .seconds(120),
        .seconds(300), .seconds(600), .seconds(1800),
    ]

    /// The Prometheus text exposition of every metric.
    public func render() -> String {
        registry.emitToString()
    }
}
