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
    /// `StoreSQL.pendingCandidate` in this dialect: `INDEXED BY` and `CROSS JOIN` keep SQLite's planner from reading and
    /// sorting every pending step instead of walking `steps_pending_by_run`.
    static let pendingCandidate = StoreSQL.pendingCandidate(join: "steps s INDEXED BY steps_pending_by_run CROSS JOIN runs r ON r.id = s.run_id")

    /// Most wakes of a slot find nothing to claim (the step's resource is busy, another slot took it): a reader
    /// connection says so first, without a turn of the single writer. A step committed before the wake is seen by the
    /// read, which starts after it; one committed after it wakes the slot again (`WorkSignal` keeps the notification).
    public func claimNextStep(owner: String, now: Date, lease: Duration) async throws(StoreError) -> ClaimedStep? {
        let expiry = StoredTime.milliseconds(now, plus: lease)
        let now = StoredTime.milliseconds(now)
        let anyCandidate = try await reading("look for a step to claim") { db in
            try Row.fetchOne(Self.cached(StoreSQL.expiredCandidate, db), arguments: ["now": now]) != nil
                || Row.fetchOne(Self.cached(Self.pendingCandidate, db), arguments: ["now": now]) != nil
        }
        guard anyCandidate else { return nil }
        return try await writing("claim a step") { db in try Self.claimNext(owner: owner, now: now, expiry: expiry, in: db) }
    }

    /// `finishStep` and `claimNextStep` in one transaction: one commit where they took two.
    public func finishStep(
        stepID: Int64, owner: String, result: StepResult, log: String, now: Date, claimingNextFor lease: Duration
    ) async throws(StoreError) -> ClaimedStep? {
        let expiry = StoredTime.milliseconds(now, plus: lease)
        let now = StoredTime.milliseconds(now)
        return try await writing("finish step \(stepID) and claim the next") { db in
            try Self.finish(stepID: stepID, owner: owner, result: result, log: log, now: now, in: db)
            return try Self.claimNext(owner: owner, now: now, expiry: expiry, in: db)
        }
    }

    /// The claim's statements, in the caller's transaction.
    static func claimNext(owner: String, now: Int64, expiry: Int64, in db: Database) throws -> ClaimedStep? {
        while let candidate = try Row.fetchOne(cached(StoreSQL.expiredCandidate, db), arguments: ["now": now])
            ?? Row.fetchOne(cached(pendingCandidate, db), arguments: ["now": now])
        {
            let stepID = try candidate.int64("id")
            let runID = try candidate.int64("run_id")
            if try candidate.bool("superseded") {
                // Superseded now, with the other superseded runs of its rule and environment, so the walk passes them
                // next time.
                try supersedeRuns(runID, rule: candidate.string("rule"), environment: candidate.optionalString("environment"), now: now, in: db)
                continue
            }
            try cached(StoreSQL.claimStep, db).execute(arguments: ["owner": owner, "expiry": expiry, "now": now, "id": stepID])
            if try candidate.value(RunStatus.self, "run_status") == .queued {
                try changeRun(runID, now: now, in: db, RunLifecycle.stepClaimed)
            }
            guard let row = try Row.fetchOne(cached(StoreSQL.claimedStep, db), arguments: ["id": stepID]) else {
                throw StoreError.notFound("step \(stepID)")
            }
            return try Rows.claimedStep(row)
        }
        return nil
    }
}
