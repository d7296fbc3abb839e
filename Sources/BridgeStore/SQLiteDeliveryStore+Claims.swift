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
    public func claimNextStep(owner: String, now: Date, lease: Duration) async throws(StoreError) -> ClaimedStep? {
        let expiry = StoredTime.milliseconds(now, plus: lease)
        let now = StoredTime.milliseconds(now)
        return try await writing("claim a step") { db in
            try Self.supersedeQueuedRuns(now: now, in: db)
            guard let candidate = try Self.nextCandidate(now: now, in: db) else { return nil }
            try db.execute(
                sql: """
                    UPDATE steps SET status = 'running', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1,
                        next_attempt_at = NULL, started_at = COALESCE(started_at, ?), updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [owner, expiry, now, now, candidate.stepID])
            if candidate.runIsQueued {
                try Self.changeRun(candidate.runID, now: now, in: db, RunLifecycle.stepClaimed)
            }
            return try Self.claimedStep(candidate.stepID, in: db)
        }
    }

    /// Supersedes (`RunLifecycle.supersede`) every queued, never retried run for which a newer run of the same rule and
    /// environment exists whose status `RunStatus.supersedesOlderRuns`. `IS` compares environments with NULL equal to
    /// NULL (PostgreSQL: `IS NOT DISTINCT FROM`).
    static func supersedeQueuedRuns(now: Int64, in db: Database) throws {
        let superseding = RunStatus.superseding.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let superseded = try Int64.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT id FROM runs
                    WHERE status = 'queued' AND retried_at IS NULL AND EXISTS (
                        SELECT 1 FROM runs newer
                        WHERE newer.rule = runs.rule AND newer.environment IS runs.environment AND newer.id > runs.id
                          AND newer.status IN (\(superseding)))
                    """))
        for runID in superseded {
            try changeRun(runID, now: now, in: db, RunLifecycle.supersede)
        }
    }

    /// The step a claim takes.
    struct Candidate {
        var stepID: Int64
        var runID: Int64
        var runIsQueued: Bool
    }

    /// The runnable step of the oldest run, lowest position first: a running step whose lease expired (to
    /// resume: its worker is gone, perhaps not its deployment), or a due pending step whose earlier steps all
    /// succeeded, of a queued or running run that no one asked to cancel (unless the step has a deployment in
    /// flight, which a worker must cancel).
    ///
    /// One step per resource (`StepResource`: a REST API, a deployment group, a stack, an Alibaba API's stage, a
    /// command's target), whichever targets name it: a candidate is skipped while ANY other step with its resource is
    /// `running`, even under an expired lease. An expired step is itself a candidate and comes back first, so this
    /// never blocks for long, and a newer step never starts while an abandoned deployment may still run on the same
    /// resource. A step recorded before v4 has no resource and is serialised by target, both ways (Migrations.v4).
    static func nextCandidate(now: Int64, in db: Database) throws -> Candidate? {
        let statement = try db.cachedStatement(
            sql: """
                SELECT s.id, s.run_id, r.status AS run_status
                FROM steps s JOIN runs r ON r.id = s.run_id
                WHERE r.status IN ('queued', 'running')
                  AND ((s.status = 'running' AND s.lease_expires_at <= :now)
                    OR (s.status = 'pending'
                      AND (s.next_attempt_at IS NULL OR s.next_attempt_at <= :now)
                      AND (r.cancel_requested = 0 OR s.external_id IS NOT NULL)
                      AND NOT EXISTS (
                        SELECT 1 FROM steps earlier
                        WHERE earlier.run_id = s.run_id AND earlier.position < s.position AND earlier.status <> 'succeeded')))
                  AND NOT EXISTS (
                    SELECT 1 FROM steps busy WHERE busy.resource = s.resource AND busy.status = 'running' AND busy.id <> s.id)
                  AND NOT EXISTS (
                    SELECT 1 FROM steps busy
                    WHERE (s.resource IS NULL OR busy.resource IS NULL) AND busy.target = s.target AND busy.status = 'running'
                      AND busy.id <> s.id)
                ORDER BY s.run_id, s.position
                LIMIT 1
                """)
        guard let row = try Row.fetchOne(statement, arguments: ["now": now]) else { return nil }
        return Candidate(
            stepID: try row.decode(forColumn: "id"),
            runID: try row.decode(forColumn: "run_id"),
            runIsQueued: try row.decode(String.self, forColumn: "run_status") == "queued")
    }

    /// The claimed step with everything the worker needs, read in the claim's transaction.
    static func claimedStep(_ stepID: Int64, in db: Database) throws -> ClaimedStep {
        let statement = try db.cachedStatement(
            sql: """
                SELECT \(Rows.claimedStepColumns)
                FROM steps s JOIN runs r ON r.id = s.run_id JOIN deliveries d ON d.id = r.delivery_id
                WHERE s.id = ?
                """)
        guard let row = try Row.fetchOne(statement, arguments: [stepID]) else {
            throw StoreError.notFound("step \(stepID)")
        }
        return try Rows.claimedStep(row)
    }
}
