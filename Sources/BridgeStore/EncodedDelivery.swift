import BridgeCore

/// A `NewDelivery` with its columns ready to bind: times in milliseconds, documents as JSON text.
///
/// Built before the write transaction, so encoding never holds the writer lock.
struct EncodedDelivery: Sendable {
    var source: String
    var forge: String
    var key: String
    var eventName: String
    var receivedAt: Int64
    /// The status to insert with; `queued` may become `duplicate` when every run already exists.
    var status: NewDelivery.Disposition
    var reason: String?
    /// Empty unless `status` is `queued`: a ping or an ignored delivery never creates runs.
    var runs: [EncodedRun]
    /// The masked headers and the events with their verdicts, as JSON (encoded here, once, outside the transaction).
    var headers: String
    var events: String
    var repository: String?

    init(_ delivery: NewDelivery) {
        source = delivery.source
        forge = delivery.forge.rawValue
        key = delivery.key
        eventName = delivery.eventName
        receivedAt = StoredTime.milliseconds(delivery.receivedAt)
        // Hand-written JSON (`ConfigValue.jsonText`), as for a run's event: cheaper than JSONEncoder on the intake path.
        headers = ConfigValue.array(delivery.headers.map(\.configValue)).jsonText
        events = ConfigValue.array(delivery.events.map(\.configValue)).jsonText
        repository = delivery.repository
        switch delivery.disposition {
        case .queued where delivery.runs.isEmpty:
            // Nothing planned after all: record it as ignored rather than as queued work that does not exist.
            status = .ignored
            reason = delivery.reason ?? "no runs planned"
            runs = []
        case .queued:
            status = .queued
            reason = nil
            runs = delivery.runs.map(EncodedRun.init)
        case .ping, .ignored:
            status = delivery.disposition
            reason = delivery.reason ?? delivery.disposition.rawValue
            runs = []
        }
    }
}

/// A `PlannedRun` with its columns ready to bind.
struct EncodedRun: Sendable {
    var rule: String
    var environment: String?
    var repository: String
    var ref: String
    var refKind: String
    var refName: String
    var sha: String
    var projectID: String?
    var event: String
    var notes: String
    var steps: [EncodedStep]
    /// The run's `RunReport` as JSON.
    var report: String
    /// The outbox rows of the run's `queued` status, when its forge is told of queues.
    var queued: EncodedQueuedReport?

    init(_ run: PlannedRun) {
        rule = run.rule
        environment = run.environment
        repository = run.event.repository
        ref = run.event.ref
        refKind = run.event.refKind.rawValue
        refName = run.event.refName
        sha = run.event.sha
        projectID = run.event.projectID
        event = run.event.configValue.jsonText
        notes = ConfigValue.array(run.notes.map(ConfigValue.string)).jsonText
        steps = run.steps.map { step in
            EncodedStep(target: step.target, provider: step.provider, parameters: step.parameters.jsonText, resource: step.resource)
        }
        report = run.report.configValue.jsonText
        queued = StatusOutboxPolicy.recorded(reporters: run.report.reporters).map { told in
            let update = StatusUpdate(
                runID: 0, project: run.event.projectID ?? run.event.repository, repository: run.event.repository, rule: run.rule,
                environment: run.environment ?? "", sha: run.event.sha, ref: run.event.refName, tag: run.event.refKind == .tag,
                status: told.status, environmentURL: run.report.environmentURL, production: run.report.production,
                transient: run.report.transient)
            return EncodedQueuedReport(status: told.status.rawValue, reporters: told.reporters, payload: StoredJSON.statusPayload(update))
        }
    }
}

/// The outbox rows a run is recorded with: one status, for some reporters, with one payload.
struct EncodedQueuedReport: Sendable {
    var status: String
    var reporters: [String]
    var payload: String
}

/// A `PlannedStep` with its parameters as JSON text.
struct EncodedStep: Sendable {
    var target: String
    var provider: String
    var parameters: String
    var resource: String
}
