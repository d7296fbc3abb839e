@testable import BridgeServer
import Testing

/// Metric and label names on Prometheus's terms; a valid name comes back unchanged, whichever way it is checked.
@Suite struct PrometheusNamesTests {
    @Test(arguments: [
        ("gitops_bridge_runs_total", "gitops_bridge_runs_total"), ("hb.requests", "hb_requests"), ("a:b", "a:b"),
        ("9lives", "_9lives"), ("_x9", "_x9"), ("", ""), ("naïve", "na_ve"), ("a-b c", "a_b_c"), ("Z", "Z"),
    ])
    func sanitizes(name: String, expected: String) {
        #expect(PrometheusNames.sanitized(name) == expected)
        #expect(PrometheusNames.isValid(name) == (name == expected && !name.isEmpty))
    }

    @Test func renamesHummingbirdsMetricsAndLabels() {
        let (name, labels) = PrometheusNames.rename("hb.requests", [("http.route", "/hooks/{source}"), ("other.label", "x")])
        #expect(name == "gitops_bridge_http_requests_total")
        #expect(labels.map(\.0) == ["route", "other_label"])
        #expect(labels.map(\.1) == ["/hooks/{source}", "x"])
    }
}
