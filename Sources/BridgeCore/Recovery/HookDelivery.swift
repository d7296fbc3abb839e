import Foundation

/// A hook as the forge's API shows it: what `doctor` checks and what recovery reads deliveries of.
public struct HookSettings: Sendable, Hashable {
    public var id: String
    public var url: String
    public var active: Bool
    /// GitHub `config.content_type` (`json` or `form`); nil on GitLab (always JSON).
    public var contentType: String?
    public var pushEvents: Bool
    public var tagPushEvents: Bool
    /// GitHub: `config.secret` is present; GitLab: unknown from the API (nil).
    public var secretSet: Bool?
    public var sslVerification: Bool
    /// GitLab: why the hook is disabled (`disabled_until`, `alert_status`), nil when it is not.
    public var disabledReason: String?

    public init(
        id: String, url: String, active: Bool, contentType: String?, pushEvents: Bool, tagPushEvents: Bool, secretSet: Bool?,
        sslVerification: Bool, disabledReason: String? = nil
    ) {
        self.id = id
        self.url = url
        self.active = active
        self.contentType = contentType
        self.pushEvents = pushEvents
        self.tagPushEvents = tagPushEvents
        self.secretSet = secretSet
        self.sslVerification = sslVerification
        self.disabledReason = disabledReason
    }
}

/// One entry of a hook's delivery log on the forge. Nothing in it is trusted as a payload: only its key is compared
/// with the store, and a redelivery is asked of the forge, which sends it signed through the normal path.
public struct HookDelivery: Sendable, Hashable {
    /// The forge's id of the log entry (what a redelivery names).
    public var id: String
    /// The delivery key the bridge records (GitHub `guid` = `X-GitHub-Delivery`; GitLab `Idempotency-Key`).
    public var key: String
    public var deliveredAt: Date
    /// The receiver's HTTP status; nil when the forge got no answer (unreachable, timed out).
    public var statusCode: Int?
    /// GitHub `redelivery`: this entry is itself a redelivery.
    public var redelivery: Bool
    public var event: String

    public init(id: String, key: String, deliveredAt: Date, statusCode: Int?, redelivery: Bool, event: String) {
        self.id = id
        self.key = key
        self.deliveredAt = deliveredAt
        self.statusCode = statusCode
        self.redelivery = redelivery
        self.event = event
    }

    /// The forge got no answer, or one that says "try again" (5xx, 429).
    public var failed: Bool {
        guard let statusCode else { return true }
        return statusCode >= 500 || statusCode == 429 || statusCode == 408
    }
}
