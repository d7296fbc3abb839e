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

    init(_ delivery: NewDelivery) {
        source = delivery.source
        forge = delivery.forge.rawValue
        key = delivery.key
        eventName = delivery.eventName
        receivedAt = StoredTime.milliseconds(delivery.receivedAt)
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
    }
}

/// A `PlannedStep` with its parameters as JSON text.
struct EncodedStep: Sendable {
    var target: String
    var provider: String
    var parameters: String
    var resource: String
}
