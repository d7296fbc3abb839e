import BridgeCore
import BridgeProviders
import BridgeServer
import BridgeStore
import Foundation

extension ProviderHTTPClient {
    /// One client for every test of this target, never shut down (a `ProviderHTTPClient` must be shut down before it
    /// is released, so tests share this one as the server shares its own).
    static let forTests = ProviderHTTPClient(connect: .seconds(5), read: .seconds(30))
}

extension WorkerHarness {
    /// Plans `event` with the rules in `yaml` (source `shop`) and records what they call for, as the intake does;
    /// returns the runs' ids.
    @discardableResult
    func queuePlanned(_ yaml: String, event: PushEvent) async throws -> [Int64] {
        let rules = try RulesLoader.load(files: [(path: "rules.yaml", contents: yaml)])
        guard let source = rules.sources["shop"] else { throw HarnessError("the rules have no source shop") }
        let plan = Planner.plan(event: event, source: source, rules: rules)
        let delivery = NewDelivery(
            source: "shop", forge: event.forge, key: UUID().uuidString, eventName: "Push Hook", receivedAt: Date(), disposition: .queued,
            runs: plan.runs)
        return try await store.record(delivery).runs.map(\.id)
    }

    static let pushEvent = PushEvent(
        forge: .gitlab, repository: "acme/shop", refKind: .branch, refName: "main", sha: String(repeating: "e", count: 40),
        pusher: "alice", cloneURL: "https://gitlab.example.com/acme/shop.git", projectID: "42")
}
