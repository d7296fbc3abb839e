import BridgeCore

/// Column lists and record decoding shared by both stores' queries (`StoredRow`).
enum Rows {
    /// The columns `deliverySummary(_:)` reads; `run_count` and `run_statuses` (the runs' statuses, comma-separated)
    /// are computed through `runs_by_delivery`. `concatenate` is the dialect's string aggregate.
    static func deliveryColumns(concatenate: (String) -> String) -> String {
        """
        d.id, d.source, d.forge, d.delivery_key, d.event_name, d.received_at, d.status, d.reason, d.duplicates, d.repository,
        (SELECT COUNT(*) FROM runs r WHERE r.delivery_id = d.id) AS run_count,
        (SELECT \(concatenate("r.status")) FROM runs r WHERE r.delivery_id = d.id) AS run_statuses,
        \(RedeliverySQL.recoveredColumn)
        """
    }

    /// The columns `runSummary(_:)` reads.
    static let runColumns = """
        r.id, r.delivery_id, r.rule, r.environment, r.source, r.repository, r.ref, r.sha, r.status,
        r.created_at, r.updated_at
        """

    /// The columns `stepRecord(_:)` reads.
    static let stepColumns = """
        s.id, s.position, s.target, s.provider, s.parameters, s.resource, s.status, s.attempts, s.external_id, s.error,
        s.log, s.notes, s.started_at, s.finished_at
        """

    static func deliverySummary(_ row: some StoredRow) throws -> DeliverySummary {
        guard let forge = Forge(rawValue: try row.string("forge")) else {
            throw StoreError.unavailable("delivery has an unknown forge")
        }
        return DeliverySummary(
            id: try row.int64("id"),
            source: try row.string("source"),
            forge: forge,
            key: try row.string("delivery_key"),
            eventName: try row.string("event_name"),
            receivedAt: try row.date("received_at"),
            status: try row.string("status"),
            reason: try row.optionalString("reason"),
            duplicates: try row.int("duplicates"),
            runCount: try row.int("run_count"),
            runStatuses: try row.optionalString("run_statuses").map(statusCounts) ?? [:],
            repository: try row.optionalString("repository"),
            recovered: try row.int("redelivery_count") > 0
        )
    }

    /// The columns a delivery's detail reads beyond `deliveryColumns` (v7; NULL on older rows).
    static let deliveryDetailColumns = "d.headers, d.events, d.duplicate_of_runs"

    /// A delivery with its runs, from a row of `deliveryColumns` and `deliveryDetailColumns`.
    static func deliveryDetail(_ row: some StoredRow, runs: [RunSummary]) throws -> DeliveryDetail {
        let id = try row.int64("id")
        let headers = try row.optionalString("headers").map { text throws(StoreError) in
            try StoredJSON.decode([DeliveryHeader].self, from: text, "the headers of delivery \(id)")
        }
        let events = try row.optionalString("events").map { text throws(StoreError) in
            try StoredJSON.decode([DeliveryEventRecord].self, from: text, "the events of delivery \(id)")
        }
        let existing = try row.optionalString("duplicate_of_runs").map { text throws(StoreError) in
            try StoredJSON.decode([Int64].self, from: text, "the runs delivery \(id) duplicated")
        }
        return DeliveryDetail(
            summary: try deliverySummary(row), runs: runs, headers: headers ?? [], events: events ?? [], duplicateOfRuns: existing ?? [])
    }

    /// `succeeded,failed,succeeded` as `[succeeded: 2, failed: 1]`.
    static func statusCounts(_ list: String) -> [String: Int] {
        list.split(separator: ",").reduce(into: [:]) { counts, status in counts[String(status), default: 0] += 1 }
    }

    static func runSummary(_ row: some StoredRow) throws -> RunSummary {
        RunSummary(
            id: try row.int64("id"),
            deliveryID: try row.int64("delivery_id"),
            rule: try row.string("rule"),
            environment: try row.optionalString("environment"),
            source: try row.string("source"),
            repository: try row.string("repository"),
            ref: try row.string("ref"),
            sha: try row.string("sha"),
            status: try row.string("status"),
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
    }

    /// A run with its event and notes, read with `runColumns, r.event, r.notes`.
    static func runDetail(_ row: some StoredRow, steps: [StepRecord], statusUpdates: [StatusUpdateRecord]) throws -> RunDetail {
        let id = try row.int64("id")
        return RunDetail(
            summary: try runSummary(row),
            event: try row.document(PushEvent.self, "event", "event of run \(id)"),
            notes: try row.json([String].self, "notes", "notes of run \(id)"),
            steps: steps, statusUpdates: statusUpdates)
    }

    /// An outbox row of `StoreSQL.runStatusUpdates`.
    static func statusUpdateRecord(_ row: some StoredRow) throws -> StatusUpdateRecord {
        let sent = try row.optionalDate("sent_at")
        let abandoned = try row.optionalDate("abandoned_at")
        return StatusUpdateRecord(
            reporter: try row.string("reporter"), status: try row.string("target_status"),
            state: sent != nil ? .sent : abandoned != nil ? .givenUp : .pending, attempts: try row.int("attempts"),
            lastError: try row.optionalString("last_error"), createdAt: try row.date("created_at"), settledAt: sent ?? abandoned)
    }

    static func stepRecord(_ row: some StoredRow) throws -> StepRecord {
        let id = try row.int64("id")
        return StepRecord(
            id: id,
            position: try row.int("position"),
            target: try row.string("target"),
            provider: try row.string("provider"),
            parameters: try row.document(ConfigValue.self, "parameters", "parameters of step \(id)"),
            resource: try row.optionalString("resource"),
            status: try row.string("status"),
            attempts: try row.int("attempts"),
            externalID: try row.optionalString("external_id"),
            error: try row.optionalString("error"),
            log: try row.optionalString("log"),
            notes: try row.json([String].self, "notes", "notes of step \(id)"),
            startedAt: try row.optionalDate("started_at"),
            finishedAt: try row.optionalDate("finished_at")
        )
    }

    /// A row of `ListSQL.queueCounts`.
    static func queueCounts(_ row: some StoredRow) throws -> QueueCounts {
        QueueCounts(queuedRuns: try row.int("queued_runs"), runningRuns: try row.int("running_runs"), pendingSteps: try row.int("pending_steps"))
    }

    static func recordedRun(_ row: some StoredRow) throws -> RecordedRun {
        RecordedRun(id: try row.int64("id"), rule: try row.string("rule"), status: try row.string("status"))
    }

    /// A run's `RunState`, from its row (`StoreSQL.runStateRun`) and its steps'
    /// rows in position order (`id, status, attempts, in_flight`: whether an external id is recorded).
    static func runState(id: Int64, _ run: some StoredRow, steps: [some StoredRow]) throws -> RunState {
        RunState(
            id: id,
            status: try run.value(RunStatus.self, "status"),
            cancelRequested: try run.bool("cancel_requested"),
            reporters: try runReport(run).reporters,
            reported: try run.optionalValue(ForgeDeploymentStatus.self, "last_reported"),
            steps: try steps.map { step in
                StepState(
                    id: try step.int64("id"), status: try step.value(StepStatus.self, "status"), attempts: try step.int("attempts"),
                    hasExternalID: try step.bool("in_flight"))
            })
    }

    /// The `RunState` of each run row (`StoreSQL.runStateRuns`), with its steps among `steps` (`runStateStepsOfRuns`:
    /// by run, then position).
    static func runStates<Row: StoredRow>(_ runs: [Row], steps: [Row]) throws -> [RunState] {
        var stepsByRun: [Int64: [Row]] = [:]
        for step in steps { stepsByRun[try step.int64("run_id"), default: []].append(step) }
        return try runs.map { run in
            let id = try run.int64("id")
            return try runState(id: id, run, steps: stepsByRun[id] ?? [])
        }
    }

    /// A run's `RunReport`, from its `report`, `forge` and `environment` columns: the stored one, or for a run recorded
    /// before v6 the reporters it had then.
    static func runReport(_ run: some StoredRow) throws -> RunReport {
        if let text = try run.optionalString("report") {
            return try StoredJSON.read(RunReport.self, from: text, "the report of a run")
        }
        let reporters = StatusOutboxPolicy.legacyReporters(
            forge: try run.value(Forge.self, "forge"), environment: try run.optionalString("environment"))
        return RunReport(reporters: reporters)
    }
}
