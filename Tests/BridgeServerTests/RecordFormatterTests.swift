import BridgeCore
import BridgeServer
import Foundation
import Testing

/// `runs show` names the resource a step is serialised on when it is not simply its target.
@Suite struct RecordFormatterTests {
    static func step(_ position: Int, target: String, resource: String?) -> StepRecord {
        StepRecord(
            id: Int64(position), position: position, target: target, provider: "aws-apigateway", parameters: .object([:]),
            resource: resource, status: "pending", attempts: 0, externalID: nil, error: nil, log: nil, startedAt: nil, finishedAt: nil)
    }

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
}
