import BridgeCore
import Foundation
import GRDB

/// Claiming steps: the worker's side of DESIGN §1 step 7 and §4 (leases, one step per resource, supersede).
///
/// A lease is live while `now < lease_expires_at`: it expires at that instant, so `releaseLeases` (which sets
/// it to `now`) makes a step claimable at once.
///
/// The whole claim is one write transaction (`BEGIN IMMEDIATE`, GRDB's default for writes): two workers, or two
/// processes on the file, are serialised by SQLite's write lock, and each step is handed to one of them. It
/// shares the pool's single writer with `GroupCommitWriter`.
extension SQLiteDeliveryStore {
    /// `StoreSQL.supersededRuns` in this dialect, built once.
    static let supersededRuns = StoreSQL.supersededRuns(nullSafeEquals: "IS")

    public func claimNextStep(owner: String, now: Date, lease: Duration) async throws(StoreError) -> ClaimedStep? {
        let expiry = StoredTime.milliseconds(now, plus: lease)
        let now = StoredTime.milliseconds(now)
        return try await writing("claim a step") { db in
            for runID in try Int64.fetchAll(Self.cached(Self.supersededRuns, db)) {
                try Self.changeRun(runID, now: now, in: db, RunLifecycle.supersede)
            }
            guard let candidate = try Row.fetchOne(Self.cached(StoreSQL.nextCandidate, db), arguments: ["now": now]) else { return nil }
            let stepID = try candidate.int64("id")
            let runID = try candidate.int64("run_id")
            try Self.cached(StoreSQL.claimStep, db).execute(arguments: ["owner": owner, "expiry": expiry, "now": now, "id": stepID])
            if try candidate.value(RunStatus.self, "run_status") == .queued {
                try Self.changeRun(runID, now: now, in: db, RunLifecycle.stepClaimed)
            }
            guard let row = try Row.fetchOne(Self.cached(StoreSQL.claimedStep, db), arguments: ["id": stepID]) else {
                throw StoreError.notFound("step \(stepID)")
            }
            return try Rows.claimedStep(row)
        }
    }
}
