import BridgeCore
import Foundation
import Logging

/// The webhook pipeline without HTTP: verify, parse, plan, record, answer (DESIGN.md §1 steps 2–6).
public struct WebhookIntake: Sendable {
    /// The rules in force; each delivery is planned under the one snapshot it takes.
    public let live: LiveRules
    private let store: any DeliveryStore
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let workQueued: @Sendable () -> Void
    private let refusals: SourceRefusals?

    /// `workQueued` is called after a delivery queued runs (the worker wakes its idle slots); `refusals` hears of each
    /// delivery refused as not verified or malformed (for the dashboard).
    public init(
        rules live: LiveRules, store: any DeliveryStore, now: @escaping @Sendable () -> Date, logger: Logger,
        workQueued: @escaping @Sendable () -> Void = {}, refusals: SourceRefusals? = nil
    ) {
        self.live = live
        self.store = store
        self.now = now
        self.logger = logger
        self.workQueued = workQueued
        self.refusals = refusals
    }

    /// Rules that never change (tests, and callers without a reloader).
    public init(
        rules: RuleSet, sources: SourceRegistry, store: any DeliveryStore, now: @escaping @Sendable () -> Date, logger: Logger,
        workQueued: @escaping @Sendable () -> Void = {}, refusals: SourceRefusals? = nil
    ) {
        self.init(
            rules: LiveRules(RulesSnapshot(rules: rules, sources: sources)), store: store, now: now, logger: logger, workQueued: workQueued,
            refusals: refusals)
    }

    /// Whether a source of that name exists in the rules in force (checked before reading the body).
    public func knows(source name: String) -> Bool { live.current.sources[name] != nil }

    /// Handles one delivery to `POST /hooks/<source>`, planned under `snapshot` (the rules in force when nil), logged
    /// through `logger` (the request's, so every line carries its request id) or the intake's own.
    public func handle(
        source name: String, request: WebhookRequest, under snapshot: RulesSnapshot? = nil, logger requestLogger: Logger? = nil
    ) async -> IntakeResponse {
        let snapshot = snapshot ?? live.current
        guard let source = snapshot.sources[name] else { return .unknownSource }
        let logger = requestLogger ?? logger
        // Each line's metadata is built only when the line is logged (swift-log's autoclosures): setting it on the
        // logger up front cost every delivery, at every log level (issue 14).
        var key: String?
        func context(_ extra: Logger.Metadata = [:]) -> Logger.Metadata {
            var metadata: Logger.Metadata = ["source": "\(name)", "rules.version": "\(snapshot.version ?? "unknown")"]
            if let key { metadata["delivery.key"] = "\(key)" }
            return metadata.merging(extra) { _, new in new }
        }
        let receivedAt = now()
        do {
            try WebhookVerifier.verify(request, forge: source.definition.forge, credentials: source.credentials, now: receivedAt)
        } catch {
            // The reason goes to the log only; the forge (or an attacker) learns nothing from the answer.
            logger.notice("delivery refused", metadata: context(["reason": "\(error)"]))
            refusals?.refused(source: name, at: receivedAt, reason: "not verified")
            return .unauthorized
        }
        let parsed: ParsedWebhook
        do {
            parsed = try WebhookParser.parse(request, forge: source.definition.forge)
        } catch {
            logger.notice("malformed delivery", metadata: context(["reason": "\(error)"]))
            refusals?.refused(source: name, at: receivedAt, reason: "malformed payload")
            return .failure(400, "malformed payload: \(error)", outcome: "malformed")
        }
        let delivery = newDelivery(parsed: parsed, source: source.definition, rules: snapshot.rules, request: request, receivedAt: receivedAt)
        key = delivery.key
        let outcome: RecordOutcome
        do {
            outcome = try await store.record(delivery)
        } catch {
            logger.error("could not record delivery", metadata: context(["error": "\(error)"]))
            return .storeUnavailable
        }
        logger.info("delivery recorded", metadata: context(Self.metadata(outcome)))
        if outcome.kind == .queued { workQueued() }
        return Self.response(outcome, disposition: delivery.disposition)
    }

    /// Plans the delivery: every event against the source's rules.
    func newDelivery(parsed: ParsedWebhook, source: SourceDefinition, rules: RuleSet, request: WebhookRequest, receivedAt: Date) -> NewDelivery {
        let key = parsed.deliveryID.flatMap { $0.isEmpty ? nil : $0 } ?? "sha256:" + Digest.sha256Hex(request.body)
        var delivery = NewDelivery(
            source: source.name, forge: source.forge, key: key, eventName: parsed.eventName, receivedAt: receivedAt,
            disposition: .ignored, headers: DeliveryHeader.masked(request.headers))
        switch parsed.content {
        case .ping:
            delivery.disposition = .ping
            delivery.reason = "ping"
        case .ignored(let reason):
            delivery.reason = reason
        case .push(let events):
            let plans = events.map { Planner.plan(event: $0, source: source, rules: rules) }
            delivery.runs = plans.flatMap(\.runs)
            delivery.events = plans.map(DeliveryEventRecord.init)
            if delivery.runs.isEmpty {
                let reasons = plans.compactMap(\.ignoredReason)
                delivery.reason = reasons.isEmpty ? "no event to deploy" : reasons.joined(separator: "; ")
            } else {
                delivery.disposition = .queued
            }
        }
        return delivery
    }

    static func metadata(_ outcome: RecordOutcome) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "delivery.id": "\(outcome.deliveryID)", "outcome": "\(outcome.kind.rawValue)", "runs": "\(outcome.runs.map(\.id))",
        ]
        if let reason = outcome.reason { metadata["reason"] = "\(reason)" }
        return metadata
    }

    static func response(_ outcome: RecordOutcome, disposition: NewDelivery.Disposition) -> IntakeResponse {
        typealias Body = IntakeResponse.Body
        switch outcome.kind {
        case .queued:
            return IntakeResponse(status: 202, body: Body(status: "queued", delivery: outcome.deliveryID, runs: outcome.runs), outcome: "queued")
        case .duplicateDelivery, .duplicatePush:
            return IntakeResponse(
                status: 200, body: Body(status: "duplicate", delivery: outcome.deliveryID, runs: outcome.runs, reason: outcome.reason),
                outcome: outcome.kind.rawValue)
        case .ignored:
            let status = disposition == .ping ? "ping" : "ignored"
            return IntakeResponse(status: 200, body: Body(status: status, delivery: outcome.deliveryID, reason: outcome.reason), outcome: status)
        }
    }
}
