import BridgeCore
import PostgresNIO

extension PostgresDeliveryStore {
    /// Records a delivery, its new runs and their steps in one transaction, as the SQLite store does (`StoreSQL`,
    /// `RecordDecision`); a copy arriving at another replica at the same moment waits on the UNIQUE constraint for this
    /// one's commit, then finds it. New runs are announced to every replica (`PostgresWorkChannel`).
    public func record(_ delivery: NewDelivery) async throws(StoreError) -> RecordOutcome {
        let encoded = EncodedDelivery(delivery)
        return try await transaction("record delivery") { sql in
            let outcome = try await Self.record(encoded, sql)
            if outcome.kind == .queued { try await PostgresWorkChannel.notify(sql) }
            return outcome
        }
    }

    static func record(_ delivery: EncodedDelivery, _ sql: PostgresSQL) async throws -> RecordOutcome {
        guard let inserted = try await sql.row(StoreSQL.insertDelivery, delivery.values) else {
            guard let original = try await sql.row(StoreSQL.countDuplicate, delivery.values) else {
                throw StoreError.unavailable("delivery key conflict without a delivery")
            }
            let originalID = try original.int64("id")
            let runs = try await sql.rows(StoreSQL.runsOfDelivery, ["delivery_id": .integer(originalID)]).map(Rows.recordedRun)
            return RecordDecision.duplicateDelivery(key: delivery.key, originalID: originalID, runs: runs)
        }
        let deliveryID = try inserted.int64("id")
        guard delivery.status == .queued else {
            return RecordOutcome(kind: .ignored, deliveryID: deliveryID, runs: [], reason: delivery.reason)
        }
        var created: [RecordedRun] = []
        var existing: [RecordDecision.ExistingRun] = []
        for run in delivery.runs {
            if let row = try await sql.row(StoreSQL.insertRun, delivery.values(of: run, deliveryID: deliveryID)) {
                let id = try row.int64("id")
                for (index, step) in run.steps.enumerated() {
                    try await sql.execute(StoreSQL.insertStep, delivery.values(of: step, position: index + 1, runID: id))
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
                StoreSQL.setDeliveryStatus, ["status": .text(status.status), "reason": .text(status.reason), "id": .integer(deliveryID)])
        }
        return outcome
    }
}
