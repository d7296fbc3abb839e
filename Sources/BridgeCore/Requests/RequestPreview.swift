/// One HTTP header as sent.
public struct HeaderField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A request a provider would send, as `explain` shows it: every credential and secret replaced by `<redacted>`.
public struct RequestPreview: Sendable, Hashable {
    /// The call's name (`apigateway CreateDeployment`).
    public var call: String
    public var method: String
    public var url: String
    public var headers: [HeaderField]
    /// The body as text (JSON or a form), secrets redacted; empty when there is none.
    public var body: String
    /// What else to know: where credentials come from, what follows the call (polling, logs).
    public var notes: [String]

    public init(call: String, method: String, url: String, headers: [HeaderField], body: String, notes: [String] = []) {
        self.call = call
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.notes = notes
    }

    /// The value `explain` prints in place of a credential or secret.
    public static let redacted = "<redacted>"

    /// The request as lines: the call, `METHOD URL`, each header, the body, then the notes.
    public var lines: [String] {
        var lines = ["\(call): \(method) \(url)"]
        lines += headers.map { "  \($0.name): \($0.value)" }
        if !body.isEmpty { lines.append("  body: \(body)") }
        lines += notes.map { "  \($0)" }
        return lines
    }
}
