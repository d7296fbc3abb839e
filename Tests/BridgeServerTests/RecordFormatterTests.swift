import BridgeCore
import BridgeServer
import Foundation
import Testing

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
}
