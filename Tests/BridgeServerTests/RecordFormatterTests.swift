import BridgeCore
import BridgeServer
import Foundation
import Testing

/// Plain-text renderings: `deliveries` and `runs show`.
@Suite struct RecordFormatterTests {
    static func delivery(_ id: Int64, status: String, runs: [String: Int]) -> DeliverySummary {
        DeliverySummary(
            id: id, source: "shop-github", forge: .github, key: "k-\(id)", eventName: "push", receivedAt: Date(timeIntervalSince1970: 0),
            status: status, reason: nil, duplicates: 0, runCount: runs.values.reduce(0, +), runStatuses: runs)
    }

    /// A delivery that queued runs shows where its runs are now, in the order a run moves through its states.
    @Test func deliveriesShowTheirRunsStates() throws {
        let table = RecordFormatter.table([
            Self.delivery(4, status: "queued", runs: ["succeeded": 2]),
            Self.delivery(3, status: "queued", runs: ["failed": 1, "succeeded": 1, "running": 1]),
            Self.delivery(2, status: "queued", runs: ["queued": 1]),
            Self.delivery(1, status: "duplicate", runs: [:]),
        ])
        let statuses = table.split(separator: "\n").dropFirst().map { line in
            line.split(separator: "  ", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }[4]
        }
        #expect(statuses == ["succeeded", "1 running, 1 succeeded, 1 failed", "queued", "duplicate"])
    }

    @Test func aDeliverysDetailSaysWhereItsRunsAre() {
        let detail = RecordFormatter.detail(DeliveryDetail(summary: Self.delivery(7, status: "queued", runs: ["failed": 1]), runs: []))
        #expect(detail.contains("status:    queued; runs now: 1 failed"))
    }

    static func step(_ position: Int, target: String, resource: String?) -> StepRecord {
        StepRecord(
            id: Int64(position), position: position, target: target, provider: "aws-apigateway", parameters: .object([:]),
            resource: resource, status: "pending", attempts: 0, externalID: nil, error: nil, log: nil, startedAt: nil, finishedAt: nil)
    }

    /// `runs show` names the resource a step is serialised on when it is not simply its target.
    @Test func showsAStepsResourceWhenItIsNotItsTarget() {
        let now = Date(timeIntervalSince1970: 1_763_807_269)
        let summary = RunSummary(
            id: 3, deliveryID: 1, rule: "main", environment: "staging", source: "shop", repository: "acme/shop", ref: "refs/heads/main",
            sha: "abc", status: "queued", createdAt: now, updatedAt: now)
        let detail = RunDetail(
            summary: summary, event: PushEvent(forge: .github, repository: "acme/shop", refKind: .branch, refName: "main", sha: "abc"),
            notes: [],
            steps: [
                Self.step(1, target: "api", resource: "https://apigateway.eu-west-2.amazonaws.com/restapis/z4675bid1j"),
                Self.step(2, target: "smoke", resource: "smoke"), Self.step(3, target: "old", resource: nil),
            ])
        let lines = RecordFormatter.detail(detail).split(separator: "\n").map(String.init)
        #expect(lines.contains("       resource: https://apigateway.eu-west-2.amazonaws.com/restapis/z4675bid1j (one step at a time)"))
        #expect(lines.filter { $0.contains("resource:") }.count == 1)
    }

    @Test func showsWhatTheForgeWasToldAndWhyAnUpdateIsStuck() {
        let now = Date(timeIntervalSince1970: 1_763_807_269)
        let summary = RunSummary(
            id: 4, deliveryID: 1, rule: "main", environment: "staging", source: "shop", repository: "acme/shop", ref: "refs/heads/main",
            sha: "abc", status: "succeeded", createdAt: now, updatedAt: now)
        let event = PushEvent(forge: .github, repository: "acme/shop", refKind: .branch, refName: "main", sha: "abc")
        let updates = [
            StatusUpdateRecord(
                reporter: "github-deployment", status: "queued", state: .sent, attempts: 1, lastError: nil, createdAt: now, settledAt: now),
            StatusUpdateRecord(
                reporter: "github-deployment", status: "running", state: .pending, attempts: 2,
                lastError: "GitHub 502: Bad Gateway", createdAt: now, settledAt: nil),
        ]
        let text = RecordFormatter.detail(RunDetail(summary: summary, event: event, notes: [], steps: [], statusUpdates: updates))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("  forge:"))
        #expect(lines.contains { $0.hasPrefix("    github-deployment queued: sent, attempts 1, 2025-11-22") })
        #expect(lines.contains("    github-deployment running: pending, attempts 2"))
        #expect(lines.contains("       error: GitHub 502: Bad Gateway"))
        let quiet = RecordFormatter.detail(RunDetail(summary: summary, event: event, notes: [], steps: []))
        #expect(quiet.hasSuffix("  forge: nothing reported"))
    }
}
