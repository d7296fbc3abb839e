import BridgeCore
import BridgeStore
import Foundation
import Testing

/// The redelivery ledger (schema v8) on both stores: recorded keys, redelivery counts, the last pass, and a delivery
/// shown as recovered once it arrives after a redelivery was asked for.
@Suite struct RedeliveryLedgerTests {
    static func record(_ key: String, outcome: String = "requested") -> RedeliveryRecord {
        RedeliveryRecord(
            source: "shop-github", key: key, forgeDeliveryID: "77-\(key)", requestedAt: Date(timeIntervalSince1970: 1_700_000_000), outcome: outcome)
    }

    @Test(arguments: StoreKind.allCases) func recordedKeysAreThoseOfTheSource(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        let store = tested.store
        _ = try await store.record(Fixtures.delivery(key: "d-1"))
        _ = try await store.record(Fixtures.delivery(key: "d-2", source: "other"))
        #expect(try await store.recordedKeys(source: "shop-github", keys: ["d-1", "d-2", "d-3"]) == ["d-1"])
        #expect(try await store.recordedKeys(source: "shop-github", keys: []) == [])
    }

    @Test(arguments: StoreKind.allCases) func redeliveriesAreCountedPerKeyAndKeptDurably(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        try await tested.store.recordRedelivery(Self.record("k"))
        try await tested.store.recordRedelivery(Self.record("k", outcome: "failed"))
        try await tested.store.recordRedelivery(Self.record("j"))
        // Another process on the same database sees what this one wrote.
        let other = try await tested.another()
        #expect(try await other.redeliveryCounts(source: "shop-github", keys: ["k", "j", "none"]) == ["k": 2, "j": 1])
        #expect(try await other.redeliveryCounts(source: "elsewhere", keys: ["k"]) == [:])
        #expect(try await tested.strings("SELECT outcome FROM redeliveries ORDER BY id") == ["requested", "failed", "requested"])
    }

    @Test(arguments: StoreKind.allCases) func theLastPassIsKeptPerSource(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        #expect(try await tested.store.lastRecoveryPass(source: "shop-github") == nil)
        try await tested.store.recordRecoveryPass(source: "shop-github", at: Date(timeIntervalSince1970: 1_700_000_000))
        try await tested.store.recordRecoveryPass(source: "shop-github", at: Date(timeIntervalSince1970: 1_700_000_600))
        #expect(try await tested.store.lastRecoveryPass(source: "shop-github") == Date(timeIntervalSince1970: 1_700_000_600))
        #expect(try await tested.store.lastRecoveryPass(source: "other") == nil)
    }

    @Test(arguments: StoreKind.allCases) func aDeliveryThatArrivedAfterARedeliveryIsShownRecovered(_ kind: StoreKind) async throws {
        let tested = try await TestStore(kind)
        try await tested.store.recordRedelivery(Self.record("d-2"))
        _ = try await tested.store.record(Fixtures.delivery(key: "d-1"))
        let recovered = try await tested.store.record(Fixtures.delivery(key: "d-2", runs: [Fixtures.run("other-rule")]))
        let list = try await tested.store.deliveries(limit: 10, source: nil)
        #expect(list.map(\.key) == ["d-2", "d-1"])
        #expect(list.map(\.recovered) == [true, false])
        #expect(try await tested.store.delivery(id: recovered.deliveryID).summary.recovered)
    }
}
