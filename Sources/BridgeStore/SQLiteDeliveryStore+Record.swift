import BridgeCore
import GRDB

extension SQLiteDeliveryStore {
    /// Records a delivery, its new runs and their steps, durably, before returning.
    ///
    /// Idempotency rests on the UNIQUE constraints, never on a check-then-insert: `INSERT … ON CONFLICT DO
    /// NOTHING` inserts no row when the key exists, whichever connection or process got there first (`insertedID`).
    /// JSON is encoded before the transaction so the writer lock is held only for the inserts.
    /// Runs and steps take the delivery's `receivedAt` as their creation time: the store never reads the clock.
    /// Deliveries arriving together, and the worker's writes with them, share one commit (`GroupCommitWriter`).
    public func record(_ delivery: NewDelivery) async throws(StoreError) -> RecordOutcome {
        let encoded = EncodedDelivery(delivery)
        return try await writing("record delivery") { db in try Self.record(encoded, in: db) }
    }

    /// `StoreSQL`'s recording statements in the caller's transaction; `RecordDecision` answers.
    static func record(_ delivery: EncodedDelivery, in db: Database) throws -> RecordOutcome {
        guard let deliveryID = try insertedID(StoreSQL.insertDelivery, delivery.values, db) else {
            guard let originalID = try Int64.fetchOne(Self.cached(StoreSQL.countDuplicate, db), arguments: .init(delivery.values)) else {
                // The conflicting row vanished inside our own write transaction: impossible unless the schema changed.
                throw StoreError.unavailable("delivery key conflict without a delivery")
            }
            let runs = try Row.fetchAll(Self.cached(StoreSQL.runsOfDelivery, db), arguments: ["delivery_id": originalID]).map(Rows.recordedRun)
            return RecordDecision.duplicateDelivery(key: delivery.key, originalID: originalID, runs: runs)
        }
        guard delivery.status == .queued else {
            return RecordOutcome(kind: .ignored, deliveryID: deliveryID, runs: [], reason: delivery.reason)
        }
        var created: [RecordedRun] = []
        var existing: [RecordDecision.ExistingRun] = []
        for run in delivery.runs {
            let values = delivery.values(of: run, deliveryID: deliveryID)
            if let id = try insertedID(StoreSQL.insertRun, values, db) {
                for (index, step) in run.steps.enumerated() {
                    try Self.cached(StoreSQL.insertStep, db).execute(arguments: .init(delivery.values(of: step, position: index + 1, runID: id)))
                }
                for values in delivery.outboxValues(of: run, runID: id) {
                    try Self.cached(StoreSQL.insertOutbox, db).execute(arguments: .init(values))
                }
                created.append(RecordedRun(id: id, rule: run.rule, status: "queued"))
            } else {
                guard let row = try Row.fetchOne(Self.cached(StoreSQL.existingRun, db), arguments: .init(run.keyValues)) else {
                    throw StoreError.unavailable("run key conflict without a run")
                }
                existing.append(.init(run: try Rows.recordedRun(row), deliveryID: try row.int64("delivery_id")))
            }
        }
        let (outcome, status) = RecordDecision.outcome(deliveryID: deliveryID, created: created, existing: existing)
        if let status {
            try Self.cached(StoreSQL.setDeliveryStatus, db).execute(
                arguments: ["status": status.status, "reason": status.reason, "duplicate_of_runs": status.duplicateOfRuns, "id": deliveryID])
        }
        return outcome
    }

    /// The id of the row `insert` (an `INSERT … ON CONFLICT DO NOTHING`) added, nil when it conflicted. Not with
    /// `RETURNING id`: SQLite builds a temporary b-tree for a RETURNING's rows on every execution (`StatementProgramTests`;
    /// BENCHMARKS.md, eighth session).
    static func insertedID(_ insert: String, _ values: SQLValues, _ db: Database) throws -> Int64? {
        try cached(insert, db).execute(arguments: .init(values))
        return db.changesCount == 1 ? db.lastInsertedRowID : nil
    }

    /// The statement, prepared once per connection.
    static func cached(_ sql: String, _ db: Database) throws -> Statement {
        try db.cachedStatement(sql: sql)
    }
}
