import BridgeCore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Builds the bridge's HTTP routes (DESIGN.md §7).
public struct BridgeRouter: Sendable {
    /// The largest webhook body accepted: 25 MiB, as GitHub and GitLab.com cap their payloads.
    public static let defaultMaxBodySize = 25 * 1024 * 1024

    let intake: WebhookIntake
    let store: any DeliveryStore
    let metrics: BridgeMetrics
    let maxBodySize: Int
    let gate: IntakeGate
    let readiness = ReadinessState()

    public init(
        intake: WebhookIntake, store: any DeliveryStore, metrics: BridgeMetrics, maxBodySize: Int = defaultMaxBodySize,
        gate: IntakeGate = IntakeGate()
    ) {
        self.intake = intake
        self.store = store
        self.metrics = metrics
        self.maxBodySize = maxBodySize
        self.gate = gate
    }

    /// The router: webhooks, health, readiness and metrics.
    public func build() -> Router<WebhookRequestContext> {
        let router = Router(context: WebhookRequestContext.self)
        // Hummingbird's, through swift-metrics: what `serve` bootstraps renders it as gitops_bridge_http_*.
        router.add(middleware: MetricsMiddleware())
        router.post("/hooks/:source") { request, context in
            try await receive(request, context: context)
        }
        for method in [HTTPRequest.Method.get, .put, .patch, .delete] {
            router.on("/hooks/:source", method: method) { _, _ in
                var response = Self.respond(.failure(405, "method not allowed; webhooks are POSTed", outcome: "method_not_allowed"))
                response.headers[.allow] = "POST"
                return response
            }
        }
        router.get("/healthz") { _, _ in Self.text(200, "ok\n") }
        router.get("/readyz") { _, context in
            do {
                try await store.checkReady()
                if readiness.update(ready: true) { context.logger.notice("ready: deliveries can be recorded again") }
                return Self.text(200, "ready\n" + Self.rulesLines(intake.live))
            } catch {
                // The cause goes to the log only: an unauthenticated caller learns nothing of the internals.
                if readiness.update(ready: false) {
                    context.logger.warning("not ready: deliveries cannot be recorded now", metadata: ["error": "\(error)"])
                }
                return Self.text(503, "not ready\n")
            }
        }
        router.get("/metrics") { _, _ in
            Self.text(200, metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        return router
    }

    private func receive(_ request: Request, context: WebhookRequestContext) async throws -> Response {
        let sourceName = context.parameters.get("source") ?? ""
        // One version of the rules for the whole delivery, from the source's lookup to its plan.
        let snapshot = intake.live.current
        let known = snapshot.sources[sourceName] != nil
        // Refused before the body is read: the connection guard drains it (within its limits) and closes. The client's
        // bucket is taken first, so requests to unknown sources are limited too.
        let client = gate.client(peer: context.remoteAddress, forwardedFor: request.headers[values: IntakeGate.forwardedFor])
        if let refusal = gate.admit(client: client) {
            context.logger.debug("delivery refused: rate limited", metadata: ["source": "\(sourceName)", "client": "\(client ?? "-")"])
            return refuse(refusal, source: known ? sourceName : "unknown")
        }
        guard known else {
            metrics.countDelivery(source: "unknown", outcome: IntakeResponse.unknownSource.outcome)
            return Self.respond(.unknownSource)
        }
        if let refusal = gate.admit(source: sourceName) {
            context.logger.debug("delivery refused: rate limited", metadata: ["source": "\(sourceName)", "client": "\(client ?? "-")"])
            return refuse(refusal, source: sourceName)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodySize {
            metrics.countDelivery(source: sourceName, outcome: IntakeResponse.tooLarge.outcome)
            return Self.respond(.tooLarge)
        }
        guard gate.enter(client: client) else {
            context.logger.debug("delivery refused: intake full", metadata: ["source": "\(sourceName)"])
            return refuse(IntakeGate.Refusal(response: .overloaded, retryAfter: IntakeGate.overloadedRetryAfter), source: sourceName)
        }
        defer { gate.leave(client: client) }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodySize)
        } catch is NIOTooManyBytesError {
            metrics.countDelivery(source: sourceName, outcome: IntakeResponse.tooLarge.outcome)
            return Self.respond(.tooLarge)
        } catch is RequestBodyTimeout {
            // The connection guard already answered 408 and closed the connection; this answer goes nowhere.
            metrics.countDelivery(source: sourceName, outcome: IntakeResponse.bodyTimeout.outcome)
            return Self.respond(.bodyTimeout)
        }
        let headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
        let webhook = WebhookRequest(headers: headers, body: Array(buffer: body))
        let response = await intake.handle(source: sourceName, request: webhook, under: snapshot, logger: context.logger)
        metrics.countDelivery(source: sourceName, outcome: response.outcome)
        return Self.respond(response)
    }

    /// The `/readyz` lines on the rules in force and the last reload (never its error: the caller is not authenticated).
    static func rulesLines(_ live: LiveRules) -> String {
        var text = "rules \(live.current.version ?? "unknown")\n"
        if let reload = live.lastReload {
            let at = reload.at.formatted(.iso8601)
            text += reload.succeeded ? "last reload succeeded at \(at)\n" : "last reload failed at \(at); the rules before it stay in force\n"
        }
        return text
    }

    private func refuse(_ refusal: IntakeGate.Refusal, source: String) -> Response {
        metrics.countDelivery(source: source, outcome: refusal.response.outcome)
        var response = Self.respond(refusal.response)
        response.headers[.retryAfter] = String(refusal.retryAfter)
        return response
    }

    static func respond(_ response: IntakeResponse) -> Response {
        text(response.status, response.jsonText, contentType: "application/json")
    }

    static func text(_ status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(
            status: .init(code: status), headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
