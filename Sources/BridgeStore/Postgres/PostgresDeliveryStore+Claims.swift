import BridgeCore
import Foundation
import PostgresNIO

/// Claiming steps across replicas (DESIGN §4): the same rules as SQLite's claims (`StoreSQL.claimable`), one claim at
/// a time cluster-wide under `claimLock`.
extension PostgresDeliveryStore {
    /// Most wakes of a slot find nothing to claim (the step's resource is busy, another replica took it): a read
    /// outside any transaction says so first, without the cluster-wide claim lock and a transaction's round trips. A
    /// step committed before the wake is seen by the read, which starts after it; one committed after it wakes the slot
    /// again (`NOTIFY`, and `WorkSignal` keeps the notification).
    public func claimNextStep(owner: String, now: Date, lease: Duration) async throws(StoreError) -> ClaimedStep? {
        let expiry = StoredTime.milliseconds(now, plus: lease)
        let now = StoredTime.milliseconds(now)
        guard try await reading("look for a step to claim", { sql in try await Self.nextCandidate(now: now, sql) != nil }) else {
            return nil
        }
        return try await transaction("claim a step") { sql in try await Self.claimNext(owner: owner, now: now, expiry: expiry, sql) }
    }

    /// `finishStep` and `claimNextStep` in one transaction. The claim lock is taken first, as every claim takes it
    /// before any run: taken after the finished step's run, it could wait on a claim that waits on that run.
    public func finishStep(
        stepID: Int64, owner: String, result: StepResult, log: String, now: Date, claimingNextFor lease: Duration
    ) async throws(StoreError) -> ClaimedStep? {
        let expiry = StoredTime.milliseconds(now, plus: lease)
        let now = StoredTime.milliseconds(now)
        return try await transaction("finish step \(stepID) and claim the next") { sql in
            try await Self.takeClaimLock(sql)
            try await Self.finish(stepID: stepID, owner: owner, result: result, log: log, now: now, sql)
            return try await Self.claimNext(owner: owner, now: now, expiry: expiry, sql)
        }
    }

    static func takeClaimLock(_ sql: PostgresSQL) async throws {
        try await sql.execute(PreparedStatements.ClaimLock.self, ["key": .integer(claimLock)])
    }

    /// The claim's statements, in the caller's transaction (the claim lock is reentrant: taking it twice is harmless).
    static func claimNext(owner: String, now: Int64, expiry: Int64, _ sql: PostgresSQL) async throws -> ClaimedStep? {
        try await takeClaimLock(sql)
        // The candidate's run is locked after the candidate is found; a worker finishing an expired step meanwhile
        // may have changed it, so the claim takes the step only if it is still claimable, else looks again. A superseded
        // run it meets is superseded with the other superseded runs of its rule and environment (they stay locked until
        // the commit), and the walk goes on past them.
        var stale = 0
        while stale < 3, let candidate = try await nextCandidate(now: now, sql) {
            let stepID = try candidate.int64("id")
            let runID = try candidate.int64("run_id")
            if try candidate.bool("superseded") {
                try await supersedeRuns(
                    runID, rule: candidate.string("rule"), environment: candidate.optionalString("environment"), now: now, sql)
                continue
            }
            let run = try await lockedRunState(runID, sql)
            let stillClaimable = try await sql.row(
                PreparedStatements.StillClaimable.self, ["id": .integer(stepID), "now": .integer(now)])
            guard stillClaimable != nil else {
                stale += 1
                continue
            }
            try await sql.execute(
                PreparedStatements.ClaimStep.self,
                ["owner": .text(owner), "expiry": .integer(expiry), "now": .integer(now), "id": .integer(stepID)])
            if run.status == .queued {
                try await changeRun(runID, now: now, sql, RunLifecycle.stepClaimed)
            }
            guard let row = try await sql.row(PreparedStatements.ClaimedStep.self, ["id": .integer(stepID)]) else {
                throw StoreError.notFound("step \(stepID)")
            }
            return try Rows.claimedStep(row)
        }
        return nil
    }

    /// A step whose lease expired, else the first pending step a claim acts on (`PreparedStatements.NextCandidate`).
    private static func nextCandidate(now: Int64, _ sql: PostgresSQL) async throws -> PostgresRandomAccessRow? {
        try await sql.row(PreparedStatements.NextCandidate.self, ["now": .integer(now)])
    }
}
