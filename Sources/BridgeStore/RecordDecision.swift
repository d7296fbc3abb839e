import BridgeCore

/// What recording a delivery answers, from what its inserts found: the same for both stores.
enum RecordDecision {
    /// A run that already exists with a planned run's semantic key, and the delivery that created it.
    struct ExistingRun {
        var run: RecordedRun
        var deliveryID: Int64
    }

    /// The delivery key was recorded before, as `originalID` with `runs`: nothing was written but the duplicate count.
    static func duplicateDelivery(key: String, originalID: Int64, runs: [RecordedRun]) -> RecordOutcome {
        let reason = "delivery \(key) was already received as delivery \(originalID)"
        return RecordOutcome(kind: .duplicateDelivery, deliveryID: originalID, runs: runs, reason: reason)
    }

    /// The outcome once the delivery's runs were inserted (`created`) or found (`existing`), and the status and reason the
    /// delivery's row takes when they differ from `queued`: every run existed (a duplicate push), or some did.
    static func outcome(
        deliveryID: Int64, created: [RecordedRun], existing: [ExistingRun]
    ) -> (outcome: RecordOutcome, delivery: (status: String, reason: String, duplicateOfRuns: String)?) {
        if existing.isEmpty {
            return (RecordOutcome(kind: .queued, deliveryID: deliveryID, runs: created, reason: nil), nil)
        }
        let reason = duplicatePushReason(existing)
        let existingIDs = StoredJSON.encode(existing.map(\.run.id))
        if created.isEmpty {
            return (
                RecordOutcome(kind: .duplicatePush, deliveryID: deliveryID, runs: existing.map(\.run), reason: reason),
                ("duplicate", reason, existingIDs)
            )
        }
        // Partly new: queued, with a note of the runs that already existed for whoever reads the record.
        return (
            RecordOutcome(kind: .queued, deliveryID: deliveryID, runs: created, reason: nil), ("queued", "some runs existed: \(reason)", existingIDs)
        )
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
}
