import BridgeCore
import Logging
import PostgresNIO

extension PostgresDeliveryStore {
    /// Records a delivery, its new runs and their steps, as the SQLite store does (`StoreSQL`, `RecordDecision`);
    /// deliveries arriving together share one transaction (`GroupCommitWriter`). A copy arriving at another replica at
    /// the same moment waits on the UNIQUE constraint for this one's commit, then finds it. New runs are announced to
    /// every replica (`PostgresWorkChannel`).
    public func record(_ delivery: NewDelivery) async throws(StoreError) -> RecordOutcome {
        try await groupCommit.submit(EncodedDelivery(delivery))
    }

    /// Writes a batch in one transaction. When that fails (rolled back whole: a refused row, a deadlock with another
    /// replica's batch, a lost connection), each delivery is written again in a transaction of its own, so only what
    /// fails again fails.
    static func writeBatch(_ deliveries: [EncodedDelivery], client: PostgresClient, logger: Logger) async -> [GroupCommitWriter<
        EncodedDelivery, RecordOutcome
    >.Outcome] {
        do {
            return try await transaction("record deliveries", client: client, logger: logger) { sql in try await recordAll(deliveries, sql) }.map {
                .success($0)
            }
        } catch {
            guard deliveries.count > 1 else { return [.failure(error)] }
        }
        var outcomes: [GroupCommitWriter<EncodedDelivery, RecordOutcome>.Outcome] = []
        for delivery in deliveries {
            do {
                outcomes += try await transaction("record delivery", client: client, logger: logger) { sql in try await recordAll([delivery], sql) }
                    .map { .success($0) }
            } catch {
                outcomes.append(.failure(error))
            }
        }
        return outcomes
    }

    /// Records each delivery in order in the caller's transaction; announces work when any queued runs (a delivery whose
    /// first run is new has announced it with that run).
    private static func recordAll(_ deliveries: [EncodedDelivery], _ sql: PostgresSQL) async throws -> [RecordOutcome] {
        var outcomes: [RecordOutcome] = []
        var unannounced = false
        for delivery in deliveries {
            let (outcome, announced) = try await record(delivery, sql)
            outcomes.append(outcome)
            unannounced = unannounced || (outcome.kind == .queued && !announced)
        }
        if unannounced { try await PostgresWorkChannel.notify(sql) }
        return outcomes
    }

    /// The delivery and its first run, with that run's first step and outbox row, go in one statement
    /// (`StoreSQL.insertDeliveryWithFirstRun`, which announces work when that run is new: `announced`); the rest one row
    /// at a time, and the follow-ups of a conflict as well.
    static func record(_ delivery: EncodedDelivery, _ sql: PostgresSQL) async throws -> (outcome: RecordOutcome, announced: Bool) {
        let queued = delivery.status == .queued
        let values = delivery.valuesWithFirstRun(queued ? delivery.runs.first : nil)
        guard let inserted = try await sql.row(PreparedStatements.InsertDeliveryWithFirstRun.self, values) else {
            guard let original = try await sql.row(StoreSQL.countDuplicate, delivery.values) else {
                throw StoreError.unavailable("delivery key conflict without a delivery")
            }
            let originalID = try original.int64("id")
            let runs = try await sql.rows(StoreSQL.runsOfDelivery, ["delivery_id": .integer(originalID)]).map(Rows.recordedRun)
            return (RecordDecision.duplicateDelivery(key: delivery.key, originalID: originalID, runs: runs), false)
        }
        let deliveryID = try inserted.int64("id")
        guard queued else {
            return (RecordOutcome(kind: .ignored, deliveryID: deliveryID, runs: [], reason: delivery.reason), false)
        }
        var created: [RecordedRun] = []
        var existing: [RecordDecision.ExistingRun] = []
        for (index, run) in delivery.runs.enumerated() {
            // How many of the run's steps and outbox rows the first statement wrote: one of each for the first run.
            let written = index == 0 ? 1 : 0
            let runID =
                index == 0
                ? try inserted.optionalInt64("run_id")
                : try await sql.row(PreparedStatements.InsertRun.self, delivery.values(of: run, deliveryID: deliveryID))?.int64("id")
            if let id = runID {
                for (offset, step) in run.steps.enumerated().dropFirst(written) {
                    try await sql.execute(PreparedStatements.InsertStep.self, delivery.values(of: step, position: offset + 1, runID: id))
                }
                for values in delivery.outboxValues(of: run, runID: id).dropFirst(written) {
                    try await sql.execute(PreparedStatements.InsertOutbox.self, values)
                }
                created.append(RecordedRun(id: id, rule: run.rule, status: "queued"))
            } else {
                guard let row = try await sql.row(StoreSQL.existingRun, run.keyValues) else {
                    throw StoreError.unavailable("run key conflict without a run")
                }
                existing.append(.init(run: try Rows.recordedRun(row), deliveryID: try row.int64("delivery_id")))
            }
        }
        let (outcome, status) = RecordDecision.outcome(deliveryID: deliveryID, created: created, existing: existing)
        if let status {
            try await sql.execute(
                PreparedStatements.SetDeliveryStatus.self,
                [
                    "status": .text(status.status), "reason": .text(status.reason), "duplicate_of_runs": .text(status.duplicateOfRuns),
                    "id": .integer(deliveryID),
                ])
        }
        return (outcome, try inserted.optionalInt64("run_id") != nil)
    }
}
