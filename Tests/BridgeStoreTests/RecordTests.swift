import BridgeCore
import BridgeStore
import Foundation
import Testing

@Suite("Recording deliveries")
struct RecordTests {
    @Test(arguments: StoreKind.allCases) func queuedDeliveryCreatesRunsWithOrderedSteps(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let store = tested.store
        let planned = [Fixtures.run("main-to-staging"), Fixtures.run("main-to-smoke", environment: nil)]

        let outcome = try await store.record(Fixtures.delivery(runs: planned))

        #expect(outcome.kind == .queued)
        #expect(outcome.reason == nil)
        #expect(outcome.runs.map(\.rule) == ["main-to-staging", "main-to-smoke"])
        #expect(outcome.runs.allSatisfy { $0.status == "queued" })
        let run = try await store.run(id: try #require(outcome.runs.first).id)
        #expect(run.summary.deliveryID == outcome.deliveryID)
        #expect(run.summary.rule == "main-to-staging")
        #expect(run.summary.environment == "staging")
        #expect(run.summary.source == "shop-github")
        #expect(run.summary.repository == "acme/shop")
        #expect(run.summary.ref == "refs/heads/main")
        #expect(run.summary.sha == Fixtures.shaA)
        #expect(run.summary.status == "queued")
        #expect(run.summary.createdAt == Fixtures.receivedAt)
        #expect(run.event == Fixtures.event())
        #expect(run.notes == ["commit list truncated: path filter matched"])
        #expect(run.steps.map(\.position) == [1, 2, 3])
        #expect(run.steps.map(\.target) == ["backend", "staging-api", "smoke"])
        #expect(run.steps.map(\.provider) == ["aws-codedeploy", "aws-apigateway", "command"])
        #expect(run.steps.map(\.parameters) == planned[0].steps.map(\.parameters))
        #expect(run.steps[1].parameters == Fixtures.stagingParameters)
        #expect(run.steps.allSatisfy { $0.status == "pending" && $0.attempts == 0 && $0.externalID == nil })
        let second = try await store.run(id: outcome.runs[1].id)
        #expect(second.summary.environment == nil)
        #expect(try await tested.count("steps") == 6)
    }

    @Test(arguments: StoreKind.allCases) func duplicateDeliveryKeyWritesNothingButTheCounter(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let store = tested.store
        let first = try await store.record(Fixtures.delivery(key: "abc"))
        // A later copy, even with a different plan, is answered from the original.
        let copy = Fixtures.delivery(key: "abc", runs: [Fixtures.run("other", sha: Fixtures.shaB)])

        let second = try await store.record(copy)
        let third = try await store.record(copy)

        #expect(second.kind == .duplicateDelivery)
        #expect(second.deliveryID == first.deliveryID)
        #expect(second.runs == first.runs)
        #expect(second.reason == "delivery abc was already received as delivery \(first.deliveryID)")
        #expect(third.kind == .duplicateDelivery)
        let deliveries = try await store.deliveries(limit: 10, source: nil)
        #expect(deliveries.count == 1)
        #expect(deliveries.first?.duplicates == 2)
        #expect(deliveries.first?.status == "queued")
        #expect(try await tested.count("runs") == 1)
        #expect(try await tested.count("steps") == 3)
    }

    @Test(arguments: StoreKind.allCases) func sameKeyFromAnotherSourceIsADifferentDelivery(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let store = tested.store
        _ = try await store.record(Fixtures.delivery(key: "abc", source: "shop-github"))
        let other = try await store.record(Fixtures.delivery(key: "abc", source: "shop-mirror", runs: [Fixtures.run("mirror")]))
        #expect(other.kind == .queued)
        #expect(try await tested.count("deliveries") == 2)
    }

    @Test(arguments: StoreKind.allCases) func samePushThroughAnotherKeyIsADuplicatePush(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let store = tested.store
        let planned = [Fixtures.run("main-to-staging"), Fixtures.run("main-to-smoke")]
        let first = try await store.record(Fixtures.delivery(key: "one", runs: planned))

        let second = try await store.record(Fixtures.delivery(key: "two", runs: planned))

        let ids = first.runs.map { String($0.id) }.joined(separator: ", ")
        let reason = "push already recorded as run(s) \(ids) (delivery \(first.deliveryID))"
        #expect(second.kind == .duplicatePush)
        #expect(second.deliveryID != first.deliveryID)
        #expect(second.runs == first.runs)
        #expect(second.reason == reason)
        let recorded = try await store.delivery(id: second.deliveryID)
        #expect(recorded.summary.status == "duplicate")
        #expect(recorded.summary.reason == reason)
        #expect(recorded.summary.runCount == 0)
        #expect(recorded.runs.isEmpty)
        #expect(try await tested.count("runs") == 2)
        #expect(try await tested.count("steps") == 6)
    }

    @Test(arguments: StoreKind.allCases) func partialOverlapQueuesOnlyTheNewRun(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let store = tested.store
        let first = try await store.record(Fixtures.delivery(key: "one", runs: [Fixtures.run("main-to-staging")]))

        let second = try await store.record(
            Fixtures.delivery(key: "two", runs: [Fixtures.run("main-to-staging"), Fixtures.run("main-to-smoke")]))

        #expect(second.kind == .queued)
        #expect(second.reason == nil)
        #expect(second.runs.map(\.rule) == ["main-to-smoke"])
        #expect(second.runs.first?.id != first.runs.first?.id)
        let recorded = try await store.delivery(id: second.deliveryID)
        #expect(recorded.summary.status == "queued")
        #expect(recorded.runs.map(\.rule) == ["main-to-smoke"])
        let existing = try #require(first.runs.first).id
        #expect(recorded.summary.reason == "some runs existed: push already recorded as run(s) \(existing) (delivery \(first.deliveryID))")
        #expect(try await tested.count("runs") == 2)
    }

    @Test(arguments: StoreKind.allCases) func sameRuleOnAnotherCommitIsANewRun(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let store = tested.store
        _ = try await store.record(Fixtures.delivery(key: "one"))
        let next = try await store.record(Fixtures.delivery(key: "two", runs: [Fixtures.run("main-to-staging", sha: Fixtures.shaB)]))
        #expect(next.kind == .queued)
        #expect(next.runs.count == 1)
    }

    @Test(arguments: StoreKind.allCases, [NewDelivery.Disposition.ping, .ignored])
    func pingAndIgnoredAreRecordedWithTheirReason(_ kind: StoreKind, disposition: NewDelivery.Disposition) async throws {
        let tested = try await TestStore(kind)
        let store = tested.store
        let delivery = Fixtures.delivery(key: "p", runs: [], disposition: disposition, reason: "no rule matches refs/heads/dev")

        let outcome = try await store.record(delivery)

        #expect(outcome.kind == .ignored)
        #expect(outcome.runs.isEmpty)
        #expect(outcome.reason == "no rule matches refs/heads/dev")
        let recorded = try await store.delivery(id: outcome.deliveryID)
        #expect(recorded.summary.status == disposition.rawValue)
        #expect(recorded.summary.reason == "no rule matches refs/heads/dev")
        #expect(recorded.summary.key == "p")
        #expect(recorded.summary.forge == .github)
        #expect(recorded.summary.eventName == "push")
        #expect(recorded.summary.receivedAt == Fixtures.receivedAt)
        let again = try await store.record(delivery)
        #expect(again.kind == .duplicateDelivery)
        #expect(again.deliveryID == outcome.deliveryID)
    }

    @Test(arguments: StoreKind.allCases) func ignoredDeliveryNeverCreatesRunsEvenIfPlanned(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let store = tested.store
        let outcome = try await store.record(Fixtures.delivery(disposition: .ignored, reason: "branch deleted"))
        #expect(outcome.kind == .ignored)
        #expect(try await tested.count("runs") == 0)
    }

    @Test(arguments: StoreKind.allCases) func queuedWithoutRunsIsRecordedAsIgnored(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let store = tested.store
        let outcome = try await store.record(Fixtures.delivery(runs: []))
        #expect(outcome.kind == .ignored)
        #expect(outcome.reason == "no runs planned")
        #expect(try await store.delivery(id: outcome.deliveryID).summary.status == "ignored")
    }

    /// PostgreSQL writes a delivery's first run, with that run's first step and outbox row, in one statement and the rest
    /// one row at a time (`StoreSQL.insertDeliveryWithFirstRun`); SQLite writes every row on its own. The same deliveries
    /// leave the same rows in both: new runs of several steps and reporters, a copy of a delivery, a push whose first
    /// run exists and whose second is new, a push recorded before, an ignored delivery. Ids are compared through the
    /// rows they name (PostgreSQL's sequences also move on a conflicting insert).
    @Test func bothStoresWriteTheSameRowsForTheSameDeliveries() async throws {
        var reported = Fixtures.run("main-to-staging")
        reported.report = RunReport(reporters: ["github-deployment", "github-status"], environmentURL: "https://staging.example.com")
        var smoke = Fixtures.run("main-to-smoke", environment: nil)
        smoke.report = RunReport(reporters: ["github-status"])
        var later = Fixtures.run("main-to-staging", sha: Fixtures.shaB)
        later.steps = [later.steps[2]]
        let deliveries = [
            Fixtures.delivery(key: "one", runs: [reported, smoke]),
            Fixtures.delivery(key: "one", runs: [reported]),
            Fixtures.delivery(key: "two", runs: [reported, later]),
            Fixtures.delivery(key: "three", runs: [smoke, reported]),
            Fixtures.delivery(key: "four", runs: [], disposition: .ignored, reason: "branch deleted"),
            Fixtures.delivery(key: "five", runs: [Fixtures.run("only", sha: Fixtures.shaB)]),
        ]
        let sqlite = try await TestStore(.sqlite)
        let postgres = try await TestStore(.postgres)
        var outcomes: [[RecordOutcome.Kind]] = [[], []]
        for delivery in deliveries {
            outcomes[0].append(try await sqlite.store.record(delivery).kind)
            outcomes[1].append(try await postgres.store.record(delivery).kind)
        }
        #expect(outcomes[0] == [.queued, .duplicateDelivery, .queued, .duplicatePush, .ignored, .queued])
        #expect(outcomes[1] == outcomes[0])
        func row(_ columns: [String]) -> String {
            columns.map { "COALESCE(CAST(\($0) AS TEXT), '-')" }.joined(separator: " || '|' || ")
        }
        let deliveryColumns = [
            "source", "forge", "delivery_key", "event_name", "received_at", "status", "reason", "headers", "events", "repository",
            "duplicates", "duplicate_of_runs",
        ]
        let runColumns = [
            "d.delivery_key", "r.rule", "r.environment", "r.source", "r.forge", "r.repository", "r.ref", "r.ref_kind", "r.ref_name", "r.sha",
            "r.project_id", "r.event", "r.notes", "r.report", "r.last_reported", "r.status", "r.created_at", "r.updated_at",
        ]
        let stepColumns = [
            "r.rule", "r.sha", "s.position", "s.target", "s.provider", "s.parameters", "s.resource", "s.status", "s.attempts",
            "s.created_at", "s.updated_at",
        ]
        let outboxColumns = ["r.rule", "r.sha", "o.reporter", "o.target_status", "o.payload", "o.created_at"]
        let everyRow = [
            "SELECT \(row(deliveryColumns)) FROM deliveries ORDER BY id",
            "SELECT \(row(runColumns)) FROM runs r JOIN deliveries d ON d.id = r.delivery_id ORDER BY r.id",
            "SELECT \(row(stepColumns)) FROM steps s JOIN runs r ON r.id = s.run_id ORDER BY s.id",
            "SELECT \(row(outboxColumns)) FROM status_outbox o JOIN runs r ON r.id = o.run_id ORDER BY o.id",
        ]
        for query in everyRow {
            let expected = try await sqlite.strings(query)
            #expect(!expected.isEmpty)
            #expect(try await postgres.strings(query) == expected)
        }
        #expect(try await postgres.count("steps") == 3 + 3 + 1 + 3)
        #expect(try await postgres.count("status_outbox") == 2 + 1)
    }
}
