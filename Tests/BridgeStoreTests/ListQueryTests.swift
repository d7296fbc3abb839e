import BridgeCore
import Foundation
import GRDB
import Testing

@testable import BridgeStore

/// The admin lists: pages with an id cursor, filters, a delivery's stored detail, source activity and queue counts, on
/// both stores; and SQLite's plans for them.
@Suite("List queries")
struct ListQueryTests {
    /// Five deliveries: shop-github acme/shop (2 runs), shop-gitlab ignored, shop-github acme/web (1 run), a duplicate
    /// push of the first, and a ping.
    private func seeded(_ tested: TestStore) async throws -> [RecordOutcome] {
        let store = tested.store
        let web = PlannedRun(rule: "web", environment: "production", event: Fixtures.event(sha: Fixtures.shaB, repository: "acme/web"), steps: [])
        func withEvents(_ delivery: NewDelivery, headers: [(name: String, value: String)] = []) -> NewDelivery {
            var delivery = delivery
            delivery.events = delivery.runs.map {
                DeliveryEventRecord(event: $0.event, verdicts: [RuleVerdict(rule: $0.rule, matched: true, reason: "matched")], ignoredReason: nil)
            }
            delivery.headers = DeliveryHeader.masked(headers)
            return delivery
        }
        let signed = [(name: "X-Hub-Signature-256", value: "sha256=abc"), (name: "X-GitHub-Delivery", value: "1")]
        return [
            try await store.record(withEvents(Fixtures.delivery(key: "1", runs: [Fixtures.run("a"), Fixtures.run("b")]), headers: signed)),
            try await store.record(Fixtures.delivery(key: "2", source: "shop-gitlab", runs: [], disposition: .ignored, reason: "tag")),
            try await store.record(withEvents(Fixtures.delivery(key: "3", runs: [web]))),
            try await store.record(withEvents(Fixtures.delivery(key: "4", runs: [Fixtures.run("a"), Fixtures.run("b")]))),
            try await store.record(Fixtures.delivery(key: "5", runs: [], disposition: .ping)),
        ]
    }

    @Test(arguments: StoreKind.allCases) func deliveriesPageThroughACursor(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        _ = try await seeded(tested)
        let store = tested.store
        var keys: [String] = []
        var cursor: Int64?
        var pages = 0
        repeat {
            let page = try await store.deliveries(DeliveryQuery(limit: 2, before: cursor))
            keys += page.items.map(\.key)
            cursor = page.nextCursor.flatMap { Page<DeliverySummary>.id(cursor: $0) }
            pages += 1
        } while cursor != nil
        #expect(keys == ["5", "4", "3", "2", "1"])
        #expect(pages == 3)
        #expect(try await store.deliveries(DeliveryQuery(limit: 5)).nextCursor == nil)
        #expect(try await store.deliveries(DeliveryQuery(limit: 4)).nextCursor == "2")
    }

    @Test(arguments: StoreKind.allCases) func deliveriesFilter(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        _ = try await seeded(tested)
        let store = tested.store
        func keys(_ query: DeliveryQuery) async throws -> [String] { try await store.deliveries(query).items.map(\.key) }
        #expect(try await keys(DeliveryQuery(limit: 10, source: "shop-gitlab")) == ["2"])
        #expect(try await keys(DeliveryQuery(limit: 10, status: "duplicate")) == ["4"])
        #expect(try await keys(DeliveryQuery(limit: 10, repository: "acme/web")) == ["3"])
        #expect(try await keys(DeliveryQuery(limit: 10, repository: "acme/shop")) == ["4", "1"])
        #expect(try await keys(DeliveryQuery(limit: 10, before: 4, source: "shop-github", status: "queued")) == ["3", "1"])
        #expect(try await keys(DeliveryQuery(limit: 10, since: Fixtures.receivedAt)).count == 5)
        #expect(try await keys(DeliveryQuery(limit: 10, until: Fixtures.receivedAt)).isEmpty)
        #expect(try await keys(DeliveryQuery(limit: 10, since: Fixtures.receivedAt.addingTimeInterval(1))).isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func runsFilterAndPage(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        _ = try await seeded(tested)
        let store = tested.store
        func rules(_ query: RunQuery) async throws -> [String] { try await store.runs(query).items.map(\.rule) }
        #expect(try await rules(RunQuery(limit: 10)) == ["web", "b", "a"])
        #expect(try await rules(RunQuery(limit: 10, environment: "production")) == ["web"])
        #expect(try await rules(RunQuery(limit: 10, repository: "acme/shop")) == ["b", "a"])
        #expect(try await rules(RunQuery(limit: 10, rule: "a")) == ["a"])
        #expect(try await rules(RunQuery(limit: 10, source: "shop-gitlab")).isEmpty)
        #expect(try await rules(RunQuery(limit: 10, status: "queued", environment: "staging")) == ["b", "a"])
        let first = try await store.runs(RunQuery(limit: 1))
        let next = try #require(first.nextCursor.flatMap { Page<RunSummary>.id(cursor: $0) })
        #expect(try await rules(RunQuery(limit: 10, before: next)) == ["b", "a"])
        #expect(try await rules(RunQuery(limit: 10, until: Fixtures.receivedAt.addingTimeInterval(0.001))).count == 3)
    }

    @Test(arguments: StoreKind.allCases) func aDeliveryKeepsItsHeadersEventsAndTheRunsItDuplicated(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let outcomes = try await seeded(tested)
        let first = try await tested.store.delivery(id: outcomes[0].deliveryID)
        #expect(
            first.headers == [DeliveryHeader(name: "x-hub-signature-256", value: "(masked)"), DeliveryHeader(name: "x-github-delivery", value: "1")])
        #expect(first.events.map(\.event.repository) == ["acme/shop", "acme/shop"])
        #expect(first.events.first?.verdicts == [RuleVerdict(rule: "a", matched: true, reason: "matched")])
        #expect(first.duplicateOfRuns.isEmpty)
        #expect(first.summary.repository == "acme/shop")
        let duplicate = try await tested.store.delivery(id: outcomes[3].deliveryID)
        #expect(duplicate.duplicateOfRuns == outcomes[0].runs.map(\.id))
        let ignored = try await tested.store.delivery(id: outcomes[1].deliveryID)
        #expect(ignored.headers.isEmpty && ignored.events.isEmpty && ignored.summary.repository == nil)
        #expect(try await tested.strings("SELECT headers FROM deliveries WHERE delivery_key = '1'").first?.contains("abc") == false)
    }

    @Test(arguments: StoreKind.allCases) func sourceActivityAndQueueCounts(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        _ = try await seeded(tested)
        let activity = try await tested.store.sourceActivity(
            sources: ["shop-github", "shop-gitlab", "silent"], since: Fixtures.receivedAt.addingTimeInterval(-60))
        #expect(activity.map(\.source) == ["shop-github", "shop-gitlab", "silent"])
        #expect(activity.map(\.lastDelivery?.key) == ["5", "2", nil])
        #expect(activity.map(\.recentDeliveries) == [4, 1, 0])
        let later = try await tested.store.sourceActivity(sources: ["shop-github"], since: Fixtures.receivedAt.addingTimeInterval(60))
        #expect(later.first?.recentDeliveries == 0)
        #expect(try await tested.store.queueCounts() == QueueCounts(queuedRuns: 3, runningRuns: 0, pendingSteps: 6))
    }

    /// Every filtered list page with a cursor reads an index range: no table scan and no sort, whatever the table holds.
    @Test func sqlitePlansUseAnIndexForEveryFilterWithTheCursor() async throws {
        let directory = try TemporaryDirectory()
        _ = try Fixtures.store(in: directory)
        let queue = try DatabaseQueue(path: directory.path("bridge.sqlite"))
        let deliveryQueries = [
            DeliveryQuery(limit: 50, before: 1000), DeliveryQuery(limit: 50, before: 1000, source: "s"),
            DeliveryQuery(limit: 50, before: 1000, status: "queued"), DeliveryQuery(limit: 50, before: 1000, repository: "r"),
            DeliveryQuery(limit: 50, source: "s"), DeliveryQuery(limit: 50, status: "failed"),
        ]
        let runQueries = [
            RunQuery(limit: 50, before: 1000), RunQuery(limit: 50, before: 1000, source: "s"), RunQuery(limit: 50, before: 1000, status: "failed"),
            RunQuery(limit: 50, before: 1000, environment: "e"), RunQuery(limit: 50, before: 1000, repository: "r"),
            RunQuery(limit: 50, before: 1000, rule: "x"), RunQuery(limit: 50, status: "queued", environment: "e"),
        ]
        let statements = deliveryQueries.map { ListSQL.deliveries($0, columns: SQLiteDeliveryStore.deliveryColumns) } + runQueries.map(ListSQL.runs)
        for statement in statements {
            let plan = try await queue.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement.sql, arguments: .init(statement.values)).map {
                    $0["detail"] as String? ?? ""
                }
            }
            let main = plan.filter { $0.hasSuffix(" d") || $0.hasSuffix(" r") || $0.contains(" d USING") || $0.contains(" r USING") }
            #expect(main.allSatisfy { $0.hasPrefix("SEARCH") }, "\(statement.sql): \(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(statement.sql): \(plan)")
        }
    }
}
