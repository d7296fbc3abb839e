import BridgeCore

/// The bridge's answer to a webhook delivery: an HTTP status and a small JSON body.
public struct IntakeResponse: Sendable, Equatable {
    /// The JSON body. Never echoes secrets, signatures or the payload.
    public struct Body: Sendable, Equatable, Codable {
        /// `queued`, `duplicate`, `ignored`, `ping` or `error`.
        public var status: String
        /// The recorded delivery's id (the original one for a duplicate).
        public var delivery: Int64?
        /// Runs created (or, for a duplicate, the runs that already existed).
        public var runs: [RecordedRun]?
        /// Why nothing was queued.
        public var reason: String?
        /// What was wrong with the request, for 4xx/5xx.
        public var error: String?

        public init(status: String, delivery: Int64? = nil, runs: [RecordedRun]? = nil, reason: String? = nil, error: String? = nil) {
            self.status = status
            self.delivery = delivery
            self.runs = runs
            self.reason = reason
            self.error = error
        }
    }

    /// The HTTP status code.
    public var status: Int
    public var body: Body
    /// The outcome label for metrics (`queued`, `duplicate_delivery`, `unauthorized`, …).
    public var outcome: String

    public init(status: Int, body: Body, outcome: String) {
        self.status = status
        self.body = body
        self.outcome = outcome
    }

    /// The body as JSON text (hand-written: it is on every webhook's path).
    var jsonText: String {
        var members: [String: ConfigValue] = ["status": .string(body.status)]
        if let delivery = body.delivery { members["delivery"] = .int(Int(delivery)) }
        if let runs = body.runs {
            members["runs"] = .array(
                runs.map { .object(["id": .int(Int($0.id)), "rule": .string($0.rule), "status": .string($0.status)]) })
        }
        if let reason = body.reason { members["reason"] = .string(reason) }
        if let error = body.error { members["error"] = .string(error) }
        return ConfigValue.object(members).jsonText
    }

    static func failure(_ status: Int, _ message: String, outcome: String) -> IntakeResponse {
        IntakeResponse(status: status, body: Body(status: "error", error: message), outcome: outcome)
    }

    static let unauthorized = failure(401, "unauthorized", outcome: "unauthorized")
    static let unknownSource = failure(404, "unknown source", outcome: "unknown_source")
    static let tooLarge = failure(413, "payload too large", outcome: "too_large")
    static let bodyTimeout = failure(408, "request body too slow", outcome: "body_timeout")
    static let storeUnavailable = failure(503, "store unavailable; retry later", outcome: "store_unavailable")
}
