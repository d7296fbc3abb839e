import BridgeCore
import Foundation
import PostgresNIO

/// Claiming steps across replicas (DESIGN §4): the same rules as SQLite's claims (`StoreSQL.claimable`), one claim at
/// a time cluster-wide under `claimLock`.
extension PostgresDeliveryStore {
    /// `StoreSQL.nextCandidate` in this dialect, built once.
    static let nextCandidate = StoreSQL.nextCandidate(nullSafeEquals: "IS NOT DISTINCT FROM")

    public func claimNextStep(owner: String, now: Date, lease: Duration) async throws(StoreError) -> ClaimedStep? {
        let expiry = StoredTime.milliseconds(now, plus: lease)
        let now = StoredTime.milliseconds(now)
        return try await transaction("claim a step") { sql in
            try await sql.execute("SELECT pg_advisory_xact_lock(:key)", ["key": .integer(Self.claimLock)])
            // The candidate's run is locked after the candidate is found; a worker finishing an expired step meanwhile
            // may have changed it, so the claim takes the step only if it is still claimable, else looks again. Each
            // superseded run it meets is superseded (it stays locked until the commit) and the walk goes on past it.
            var stale = 0
            while stale < 3, let candidate = try await sql.row(Self.nextCandidate, ["now": .integer(now)]) {
                let stepID = try candidate.int64("id")
                let runID = try candidate.int64("run_id")
                if try candidate.bool("superseded") {
                    try await Self.changeRun(runID, now: now, sql, RunLifecycle.supersede)
                    continue
                }
                let run = try await Self.lockedRunState(runID, sql)
                let stillClaimable = try await sql.row(
                    "SELECT s.id FROM steps s JOIN runs r ON r.id = s.run_id WHERE s.id = :id AND \(StoreSQL.claimable)",
                    ["id": .integer(stepID), "now": .integer(now)])
                guard stillClaimable != nil else {
                    stale += 1
                    continue
                }
                try await sql.execute(
                    StoreSQL.claimStep,
                    ["owner": .text(owner), "expiry": .integer(expiry), "now": .integer(now), "id": .integer(stepID)])
                if run.status == .queued {
                    try await Self.changeRun(runID, now: now, sql, RunLifecycle.stepClaimed)
                }
                guard let row = try await sql.row(StoreSQL.claimedStep, ["id": .integer(stepID)]) else {
                    throw StoreError.notFound("step \(stepID)")
                }
                return try Rows.claimedStep(row)
            }
            return nil
        }
    }
}
