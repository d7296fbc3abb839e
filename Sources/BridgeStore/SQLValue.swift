import BridgeCore
import GRDB
import PostgresNIO

/// A value bound to a `StoreSQL` parameter, the same for both stores.
enum SQLValue: Sendable, Hashable {
    case text(String?)
    case integer(Int64?)

    static func int(_ value: Int) -> SQLValue { .integer(Int64(value)) }

    /// A 0-or-1 flag (the schema's integer flags), NULL when nil.
    static func flag(_ value: Bool?) -> SQLValue { .integer(value.map { $0 ? 1 : 0 }) }

    var grdb: (any DatabaseValueConvertible)? {
        switch self {
        case .text(let text): text
        case .integer(let integer): integer
        }
    }

    var postgres: PostgresValue {
        switch self {
        case .text(let text): text
        case .integer(let integer): integer
        }
    }
}

/// Named parameters' values.
typealias SQLValues = [String: SQLValue]

extension StatementArguments {
    /// GRDB's arguments for `StoreSQL`'s named parameters.
    init(_ values: SQLValues) {
        self.init(values.mapValues(\.grdb))
    }
}

extension PostgresSQL {
    func rows(_ sql: String, _ values: SQLValues) async throws -> [PostgresRandomAccessRow] {
        try await rows(sql, values.mapValues(\.postgres))
    }

    func row(_ sql: String, _ values: SQLValues) async throws -> PostgresRandomAccessRow? {
        try await rows(sql, values).first
    }

    func execute(_ sql: String, _ values: SQLValues) async throws {
        _ = try await rows(sql, values)
    }
}

/// The values of the recording statements (`StoreSQL.insertDelivery`, `insertRun`, `insertStep`, `existingRun`).
extension EncodedDelivery {
    var values: SQLValues {
        [
            "source": .text(source), "forge": .text(forge), "key": .text(key), "event_name": .text(eventName),
            "received_at": .integer(receivedAt), "status": .text(status.rawValue), "reason": .text(reason),
            "headers": .text(headers), "events": .text(events), "repository": .text(repository),
        ]
    }

    /// `StoreSQL.insertDeliveryWithFirstRun`'s values: the delivery's, and with `run` (its first run, when it queues
    /// any) the run's, its first step's and its first outbox row's, prefixed `run_`, `step_` and `outbox_`.
    func valuesWithFirstRun(_ run: EncodedRun?) -> SQLValues {
        var all = values
        guard let run else { return all }
        func add(_ prefix: String, _ values: SQLValues) {
            for (name, value) in values { all[prefix + name] = value }
        }
        add("run_", values(of: run, deliveryID: 0))
        if let step = run.steps.first { add("step_", values(of: step, position: 1, runID: 0)) }
        if let outbox = outboxValues(of: run, runID: 0).first { add("outbox_", outbox) }
        return all
    }

    func values(of run: EncodedRun, deliveryID: Int64) -> SQLValues {
        [
            "delivery_id": .integer(deliveryID), "rule": .text(run.rule), "environment": .text(run.environment),
            "source": .text(source), "forge": .text(forge), "repository": .text(run.repository), "ref": .text(run.ref),
            "ref_kind": .text(run.refKind), "ref_name": .text(run.refName), "sha": .text(run.sha), "project_id": .text(run.projectID),
            "event": .text(run.event), "notes": .text(run.notes), "report": .text(run.report),
            "last_reported": .text(run.queued?.status), "created_at": .integer(receivedAt),
        ]
    }

    /// The outbox rows of a run just recorded (`StoreSQL.insertOutbox`), one per reporter told.
    func outboxValues(of run: EncodedRun, runID: Int64) -> [SQLValues] {
        guard let queued = run.queued else { return [] }
        return queued.reporters.map { reporter in
            [
                "run_id": .integer(runID), "reporter": .text(reporter), "status": .text(queued.status), "payload": .text(queued.payload),
                "now": .integer(receivedAt),
            ]
        }
    }

    func values(of step: EncodedStep, position: Int, runID: Int64) -> SQLValues {
        [
            "run_id": .integer(runID), "position": .int(position), "target": .text(step.target), "provider": .text(step.provider),
            "parameters": .text(step.parameters), "resource": .text(step.resource), "created_at": .integer(receivedAt),
        ]
    }
}

extension EncodedRun {
    /// Its semantic key, for `StoreSQL.existingRun`.
    var keyValues: SQLValues {
        ["rule": .text(rule), "repository": .text(repository), "ref": .text(ref), "sha": .text(sha)]
    }
}
