import Foundation

/// A webhook request as received: headers (case-insensitive) and the raw body bytes.
public struct WebhookRequest: Sendable {
    /// Header fields with lowercased names, in arrival order.
    public var headers: [(name: String, value: String)]
    /// The body exactly as sent: signatures are computed over these bytes.
    public var body: [UInt8]

    /// Creates a request; header names are lowercased.
    public init(headers: [(name: String, value: String)], body: [UInt8]) {
        self.headers = headers.map { (name: $0.name.lowercased(), value: $0.value) }
        self.body = body
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let name = name.lowercased()
        return headers.first { $0.name == name }?.value
    }

    /// All values of a header, by case-insensitive name.
    public func headerValues(_ name: String) -> [String] {
        let name = name.lowercased()
        return headers.filter { $0.name == name }.map(\.value)
    }

    /// The media type of `Content-Type` without parameters, lowercased (`application/json`).
    public var mediaType: String? {
        guard let value = header("content-type") else { return nil }
        let type = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? value
        return type.trimmingHeaderWhitespace().lowercased()
    }
}

/// What a verified delivery contains, once parsed.
public struct ParsedWebhook: Sendable, Hashable {
    /// What kind of delivery it is.
    public enum Content: Sendable, Hashable {
        /// Ref updates to route (one per ref; Bitbucket may send several).
        case push([PushEvent])
        /// A ping or test hook: answered 200, never deployed.
        case ping
        /// A well-formed event the bridge does not act on (another event type); the reason says which.
        case ignored(reason: String)
    }

    /// The forge's own delivery id (see `WebhookParser.deliveryID`); nil when the forge sent none.
    public var deliveryID: String?
    /// The forge's event name as sent (`push`, `Tag Push Hook`, `repo:push`).
    public var eventName: String
    /// The parsed content.
    public var content: Content

    /// Creates a parsed delivery.
    public init(deliveryID: String?, eventName: String, content: Content) {
        self.deliveryID = deliveryID
        self.eventName = eventName
        self.content = content
    }
}
