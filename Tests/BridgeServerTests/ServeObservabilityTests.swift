import BridgeTestSupport
import Foundation
import Glibc
import NIOHTTP1
import Testing

/// `serve` as a user runs it: Hummingbird's request metrics reach `/metrics` through swift-metrics, and one delivery's
/// log lines are found together: the intake's by the request's `hb.request.id`, the worker's by the `delivery.key`
/// the intake's lines carry too.
@Suite struct ServeObservabilityTests {
    @Test func requestMetricsAndOneDeliverysLinesFoundTogether() async throws {
        let folder = try RulesFolder()
        defer { folder.remove() }
        let port = try OccupiedPort.free()
        let log = folder.directory.appendingPathComponent("serve.log").path
        let serve = try await folder.serve(port: port, log: log, extra: ["--log-level", "debug"])
        defer { kill(serve.pid, SIGKILL) }

        let answer = try await RulesReloadTests.push(port: port, branch: "main", delivery: "observed-1")
        #expect(answer.status == 202, "\(answer)")
        var lines: [String] = []
        for _ in 0..<200 {
            lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            let started = lines.filter { $0.contains("step started") }.count
            if started > 0, lines.filter({ $0.contains("step succeeded") }).count == started { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let text = lines.joined(separator: "\n")
        // The limits in force are logged at start.
        #expect(text.contains("source.rate=50.0/s, burst 200") && text.contains("in_flight.max=256") && text.contains("intake limits"), "\(text)")
        let recorded = try #require(lines.first { $0.contains("delivery recorded") }, "\(text)")
        #expect(recorded.contains("delivery.key=observed-1"), "\(recorded)")
        let requestID = try #require(Self.value(of: "hb.request.id", in: recorded), "\(recorded)")
        // Every line of that request is the same delivery's; every step line of the delivery names its key.
        let ofRequest = lines.filter { Self.value(of: "hb.request.id", in: $0) == requestID }
        #expect(ofRequest.count >= 1 && ofRequest.allSatisfy { !$0.contains("delivery.key=") || $0.contains("delivery.key=observed-1") }, "\(text)")
        let steps = lines.filter { $0.contains("step started") || $0.contains("step succeeded") }
        #expect(steps.count >= 2, "\(text)")
        #expect(steps.allSatisfy { $0.contains("delivery.key=observed-1") }, "\(text)")

        let metrics = try await RulesReloadTests.http.send(port: port, path: "/metrics", method: .GET).body
        let hook = #"route="/hooks/{source}",method="POST",status="202""#
        #expect(metrics.contains(#"gitops_bridge_http_request_duration_seconds_bucket{\#(hook)"#), "\(metrics)")
        #expect(metrics.contains(#"gitops_bridge_http_requests_total{\#(hook)} 1"#), "\(metrics)")
        #expect(metrics.contains(#"gitops_bridge_deliveries_total{source="shop-github",outcome="queued"} 1"#), "\(metrics)")
        await serve.terminate()
        #expect(serve.exitCode == 0)
    }

    /// `key=value` of a log line (swift-log's stream handler writes metadata as space-separated pairs).
    static func value(of key: String, in line: String) -> String? {
        line.split(separator: " ").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
    }
}
