import BridgeCore
import BridgeStore
import Foundation
import GRDB
import Testing

@Suite("Concurrent claims")
struct ClaimConcurrencyTests {
    /// `claimers` tasks, spread over `stores`, each claiming until nothing is left; every claim, in any order.
    private func claimUntilEmpty(
        _ stores: [any DeliveryStore & WorkQueue], claimers: Int, at now: Date
    ) async throws -> [ClaimedStep] {
        try await withThrowingTaskGroup(of: [ClaimedStep].self) { group in
            for index in 0..<claimers {
                let store = stores[index % stores.count]
                group.addTask {
                    var claimed: [ClaimedStep] = []
                    while let step = try await store.claimNextStep(owner: "w\(index)", now: now, lease: .seconds(30)) {
                        claimed.append(step)
                    }
                    return claimed
                }
            }
            return try await group.reduce(into: [ClaimedStep]()) { $0 += $1 }
        }
    }

    private func twentyRuns(_ work: WorkFixture, sameTarget: Bool = false) async throws -> [Int64] {
        try await work.record(
            (0..<20).map { index in
                WorkFixture.run("rule-\(index)", sha: WorkFixture.sha(index), targets: [sameTarget ? "backend" : "t\(index)"])
            })
    }

    @Test(arguments: StoreKind.allCases) func eightClaimersOnTwoStoresClaimEachStepExactlyOnce(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let runs = try await twentyRuns(work)
        let stores = [work.store, try await work.testStore.another()]

        let claimed = try await claimUntilEmpty(stores, claimers: 8, at: WorkFixture.at(0))

        #expect(claimed.count == 20)
        #expect(Set(claimed.map(\.stepID)).count == 20)
        #expect(Set(claimed.map(\.runID)) == Set(runs))
        #expect(claimed.allSatisfy { $0.attempt == 1 })
        #expect(try await work.allOutbox().count == 20)
        #expect(try await work.testStore.strings("SELECT MAX(attempts) FROM steps") == ["1"])
    }

    @Test(arguments: StoreKind.allCases) func eightClaimersOnOneTargetGetOneStep(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        _ = try await twentyRuns(work, sameTarget: true)

        let claimed = try await claimUntilEmpty([work.store], claimers: 8, at: WorkFixture.at(0))

        #expect(claimed.count == 1)
        #expect(try await work.testStore.strings("SELECT COUNT(*) FROM steps WHERE status = 'running'") == ["1"])
    }

    @Test(arguments: StoreKind.allCases) func expiredLeasesAreResumedOnceByConcurrentClaimers(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        _ = try await twentyRuns(work)
        let first = try await claimUntilEmpty([work.store], claimers: 4, at: WorkFixture.at(0))

        let resumed = try await claimUntilEmpty([work.store], claimers: 8, at: WorkFixture.at(30))

        #expect(Set(resumed.map(\.stepID)) == Set(first.map(\.stepID)))
        #expect(resumed.count == 20)
        #expect(resumed.allSatisfy { $0.attempt == 2 })
    }

    @Test(arguments: StoreKind.allCases) func claimsWhileDeliveriesArriveTakeEveryStepOnce(_ kind: StoreKind) async throws {
        let work = try await WorkFixture(kind)
        let store = work.store
        let claimers = Task {
            var claimed: [Int64] = []
            for _ in 0..<200 {
                if let step = try await store.claimNextStep(owner: "w", now: WorkFixture.at(0), lease: .seconds(30)) {
                    claimed.append(step.stepID)
                } else {
                    await Task.yield()
                }
            }
            return claimed
        }
        let runs = try await work.record(
            (0..<40).map { WorkFixture.run("rule-\($0)", sha: WorkFixture.sha($0), targets: ["t\($0)"]) })
        var claimed = try await claimers.value
        claimed += try await claimUntilEmpty([store], claimers: 4, at: WorkFixture.at(0)).map(\.stepID)

        #expect(runs.count == 40)
        #expect(claimed.count == 40)
        #expect(Set(claimed).count == 40)
    }
}
