import BridgeCore

/// Decoding what the worker's calls read, shared by both stores.
extension Rows {
    /// The columns a claim reads for `claimedStep(_:)`, from `steps s JOIN runs r JOIN deliveries d`.
    static let claimedStepColumns = """
        s.id, s.run_id, s.position, s.target, s.provider, s.parameters, s.resource, s.attempts, s.external_id,
        s.lease_expires_at, s.started_at, s.error, s.process_id, s.process_start_ticks, s.process_boot_id, s.process_started_at,
        s.process_attempt, r.rule, r.environment, r.event, d.delivery_key,
        (SELECT COUNT(*) FROM steps c WHERE c.run_id = s.run_id) AS step_count
        """

    static func claimedStep(_ row: some StoredRow) throws -> ClaimedStep {
        let stepID = try row.int64("id")
        let runID = try row.int64("run_id")
        return ClaimedStep(
            stepID: stepID, runID: runID,
            position: try row.int("position"),
            stepCount: try row.int("step_count"),
            target: try row.string("target"),
            provider: try row.string("provider"),
            resource: try row.optionalString("resource") ?? row.string("target"),
            parameters: try row.document(ConfigValue.self, "parameters", "parameters of step \(stepID)"),
            attempt: try row.int("attempts"),
            externalID: try row.optionalString("external_id"),
            earlierProcess: try earlierProcess(row),
            rule: try row.string("rule"),
            environment: try row.optionalString("environment"),
            deliveryKey: try row.string("delivery_key"),
            event: try row.document(PushEvent.self, "event", "event of run \(runID)"),
            leaseExpiresAt: try row.date("lease_expires_at"),
            startedAt: try row.date("started_at"),
            lastError: try row.optionalString("error"))
    }

    /// The recorded process (v3's `process_*` columns), nil when none is.
    static func earlierProcess(_ row: some StoredRow) throws -> LocalProcess? {
        guard let pid = try row.optionalInt64("process_id") else { return nil }
        return LocalProcess(
            pid: Int32(clamping: pid),
            startTicks: UInt64(clamping: try row.int64("process_start_ticks")),
            bootID: try row.string("process_boot_id"),
            startedAt: try row.date("process_started_at"),
            attempt: try row.int("process_attempt"))
    }

    /// The columns `statusUpdate(_:)` and `runReport(_:)` read from a run.
    static let statusUpdateColumns = "rule, forge, environment, project_id, repository, sha, ref_name, ref_kind, report, last_reported"

    /// What the run's forge is to be told of `status` (the row's payload; its run id, deployment id, request id and
    /// time are the outbox row's, added when it is read).
    static func statusUpdate(runID: Int64, _ run: some StoredRow, status: ForgeDeploymentStatus) throws -> StatusUpdate {
        let report = try runReport(run)
        return StatusUpdate(
            runID: runID,
            project: try run.optionalString("project_id") ?? run.string("repository"),
            repository: try run.string("repository"),
            rule: try run.string("rule"),
            environment: try run.optionalString("environment") ?? "",
            sha: try run.string("sha"),
            ref: try run.string("ref_name"),
            tag: try run.string("ref_kind") == RefKind.tag.rawValue,
            status: status,
            environmentURL: report.environmentURL,
            production: report.production,
            transient: report.transient)
    }

    /// The columns `pendingStatusUpdate(_:)` reads from a claimed outbox row, with its run's `forge_deployment_id`.
    static let pendingStatusColumns = "id, run_id, reporter, target_status, payload, attempts, created_at, claim_expires_at"

    /// A claimed outbox row, its deployment id and request time added (see the outbox's documentation).
    static func pendingStatusUpdate(_ row: some StoredRow) throws -> PendingStatusUpdate {
        let id = try row.int64("id")
        let status = try row.value(ForgeDeploymentStatus.self, "target_status")
        var update = try row.json(StatusUpdate.self, "payload", "status update \(id)")
        update.runID = try row.int64("run_id")
        update.status = status
        update.deploymentID = try row.optionalString("forge_deployment_id")
        update.requestedAt = try row.date("created_at")
        update.requestID = id
        return PendingStatusUpdate(
            outboxID: id, reporter: try row.string("reporter"), update: update, attempts: try row.int("attempts"),
            claimExpiresAt: try row.date("claim_expires_at"))
    }
}
