import BridgeCore
import GRDB

extension SQLiteDeliveryStore {
    /// Records a delivery, its new runs and their steps, durably, before returning.
    ///
    /// Idempotency rests on the UNIQUE constraints, never on a check-then-insert: `INSERT … ON CONFLICT DO
    /// NOTHING RETURNING id` returns no row when the key exists, whichever connection or process got there
    /// first. JSON is encoded before the transaction so the writer lock is held only for the inserts.
    /// Runs and steps take the delivery's `receivedAt` as their creation time: the store never reads the clock.
    /// Deliveries arriving together share one commit (`GroupCommitWriter`).
    public func record(_ delivery: NewDelivery) async throws(StoreError) -> RecordOutcome {
        let encoded = EncodedDelivery(delivery)
        return try await groupCommit.submit(encoded)
    }

    static func record(_ delivery: EncodedDelivery, in db: Database) throws -> RecordOutcome {
        guard let deliveryID = try insertDelivery(delivery, in: db) else {
            return try duplicateDelivery(delivery, in: db)
        }
        guard delivery.status == .queued else {
            return RecordOutcome(kind: .ignored, deliveryID: deliveryID, runs: [], reason: delivery.reason)
        }
        var created: [RecordedRun] = []
        var existing: [ExistingRun] = []
        for run in delivery.runs {
            if let id = try insertRun(run, of: delivery, deliveryID: deliveryID, in: db) {
                try insertSteps(run.steps, runID: id, at: delivery.receivedAt, in: db)
                created.append(RecordedRun(id: id, rule: run.rule, status: "queued"))
            } else {
                existing.append(try existingRun(run, in: db))
            }
        }
        if existing.isEmpty {
            return RecordOutcome(kind: .queued, deliveryID: deliveryID, runs: created, reason: nil)
        }
        let reason = duplicatePushReason(existing)
        if created.isEmpty {
            try setDelivery(deliveryID, status: "duplicate", reason: reason, in: db)
            return RecordOutcome(kind: .duplicatePush, deliveryID: deliveryID, runs: existing.map(\.run), reason: reason)
        }
        // Partly new: queued, with a note of the runs that already existed for whoever reads the record.
        try setDelivery(deliveryID, status: "queued", reason: "some runs existed: \(reason)", in: db)
        return RecordOutcome(kind: .queued, deliveryID: deliveryID, runs: created, reason: nil)
    }

    /// Inserts the delivery row; nil when (source, key) is already recorded.
    private static func insertDelivery(_ delivery: EncodedDelivery, in db: Database) throws -> Int64? {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO deliveries (source, forge, delivery_key, event_name, received_at, status, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (source, delivery_key) DO NOTHING
                RETURNING id
                """)
        let arguments: StatementArguments = [
            delivery.source, delivery.forge, delivery.key, delivery.eventName, delivery.receivedAt,
            delivery.status.rawValue, delivery.reason,
        ]
        return try Int64.fetchOne(statement, arguments: arguments)
    }

    /// Counts the copy on the original delivery and answers with it; writes nothing else.
    private static func duplicateDelivery(_ delivery: EncodedDelivery, in db: Database) throws -> RecordOutcome {
        let statement = try db.cachedStatement(
            sql: """
                UPDATE deliveries SET duplicates = duplicates + 1
                WHERE source = ? AND delivery_key = ?
                RETURNING id
                """)
        guard let originalID = try Int64.fetchOne(statement, arguments: [delivery.source, delivery.key]) else {
            // The conflicting row vanished inside our own write transaction: impossible unless the schema changed.
            throw StoreError.unavailable("delivery key conflict without a delivery")
        }
        let runs = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT id, rule, status FROM runs WHERE delivery_id = ? ORDER BY id"),
            arguments: [originalID]
        ).map(Rows.recordedRun)
        let reason = "delivery \(delivery.key) was already received as delivery \(originalID)"
        return RecordOutcome(kind: .duplicateDelivery, deliveryID: originalID, runs: runs, reason: reason)
    }

    /// Inserts a run; nil when a run with the same (rule, repository, ref, sha) exists.
    private static func insertRun(
        _ run: EncodedRun, of delivery: EncodedDelivery, deliveryID: Int64, in db: Database
    ) throws -> Int64? {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO runs (delivery_id, rule, environment, source, forge, repository, ref, ref_kind, ref_name,
                    sha, project_id, event, notes, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)
                ON CONFLICT (rule, repository, ref, sha) DO NOTHING
                RETURNING id
                """)
        let arguments: StatementArguments = [
            deliveryID, run.rule, run.environment, delivery.source, delivery.forge, run.repository, run.ref,
            run.refKind, run.refName, run.sha, run.projectID, run.event, run.notes, delivery.receivedAt,
            delivery.receivedAt,
        ]
        return try Int64.fetchOne(statement, arguments: arguments)
    }

    private static func insertSteps(_ steps: [EncodedStep], runID: Int64, at time: Int64, in db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO steps (run_id, position, target, provider, parameters, resource, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)
                """)
        for (index, step) in steps.enumerated() {
            try statement.execute(arguments: [runID, index + 1, step.target, step.provider, step.parameters, step.resource, time, time])
        }
    }

    /// A run that already exists with the planned run's semantic key, and the delivery that created it.
    struct ExistingRun {
        var run: RecordedRun
        var deliveryID: Int64
    }

    private static func existingRun(_ run: EncodedRun, in db: Database) throws -> ExistingRun {
        let statement = try db.cachedStatement(
            sql: """
                SELECT id, rule, status, delivery_id FROM runs
                WHERE rule = ? AND repository = ? AND ref = ? AND sha = ?
                """)
        guard let row = try Row.fetchOne(statement, arguments: [run.rule, run.repository, run.ref, run.sha]) else {
            throw StoreError.unavailable("run key conflict without a run")
        }
        return ExistingRun(run: try Rows.recordedRun(row), deliveryID: try row.decode(forColumn: "delivery_id"))
    }

    /// "push already recorded as run(s) 3, 4 (delivery 7)".
    static func duplicatePushReason(_ existing: [ExistingRun]) -> String {
        let runs = existing.map { String($0.run.id) }.joined(separator: ", ")
        var deliveries: [Int64] = []
        for run in existing where !deliveries.contains(run.deliveryID) {
            deliveries.append(run.deliveryID)
        }
        let label = deliveries.count == 1 ? "delivery" : "deliveries"
        let ids = deliveries.map(String.init).joined(separator: ", ")
        return "push already recorded as run(s) \(runs) (\(label) \(ids))"
    }

    private static func setDelivery(_ id: Int64, status: String, reason: String, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE deliveries SET status = ?, reason = ? WHERE id = ?")
            .execute(arguments: [status, reason, id])
    }
}
