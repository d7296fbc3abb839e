import BridgeCore

/// What an admin token may do: a viewer reads, an operator also retries and cancels runs.
public enum AdminRole: String, Sendable, Hashable, CaseIterable {
    case viewer
    case `operator`

    /// Whether this role may do what `required` may.
    func allows(_ required: AdminRole) -> Bool {
        self == .operator || required == .viewer
    }
}

/// One `--admin-token NAME=ROLE:REF`: a named token, its role, and where its value is kept.
public struct AdminTokenSetting: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var role: AdminRole
    public var reference: SecretReference

    public init(name: String, role: AdminRole, reference: SecretReference) {
        self.name = name
        self.role = role
        self.reference = reference
    }

    /// Parses `NAME=ROLE:REF` (`ci=viewer:env:BRIDGE_VIEW_TOKEN`). The error names the setting, never a value.
    public init(parsing text: String) throws(StartupError) {
        let usage = "--admin-token must be NAME=ROLE:REF with ROLE viewer or operator and REF env:VAR or file:/path"
        guard let equals = text.firstIndex(of: "=") else { throw StartupError("\(usage), got no '='") }
        let name = String(text[..<equals])
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
            throw StartupError("\(usage); the name may hold letters, digits, '_', '-' and '.'")
        }
        let rest = text[text.index(after: equals)...]
        guard let colon = rest.firstIndex(of: ":"), let role = AdminRole(rawValue: String(rest[..<colon])) else {
            throw StartupError("\(usage); token '\(name)' has no valid role")
        }
        // A literal token would end up in shell history and `ps`: only references are accepted.
        guard let reference = SecretReference(String(rest[rest.index(after: colon)...])) else {
            throw StartupError("\(usage); token '\(name)' is not given by reference")
        }
        self.init(name: name, role: role, reference: reference)
    }

    public var description: String { "\(name)=\(role.rawValue):\(reference)" }
}

/// The admin listener's settings: where it listens, the tokens that open it, and the proxy it may trust.
public struct AdminConfiguration: Sendable {
    /// The CLI's default: loopback only, next to the webhook listener's 8080.
    public static let defaultListen = "127.0.0.1:8081"

    public var host: String
    /// 0 picks a free port.
    public var port: Int
    public var tokens: [AdminTokenSetting]
    /// A header a forward-auth proxy sets to the signed-in user's name (`X-Forwarded-User`); nil trusts none.
    public var trustedHeader: String?
    /// The peers whose `trustedHeader` (and `X-Forwarded-Proto`) is believed; from any other address it is ignored.
    public var trustedProxies: [AdminNetwork]
    /// The role of a user the trusted header names.
    public var trustedRole: AdminRole
    /// The webhook listener's public base URL (`--public-url`), without a trailing slash: sources show their webhook URL.
    public var publicURL: String?

    public init(
        host: String = "127.0.0.1", port: Int = 8081, tokens: [AdminTokenSetting] = [], trustedHeader: String? = nil,
        trustedProxies: [AdminNetwork] = [], trustedRole: AdminRole = .viewer, publicURL: String? = nil
    ) {
        self.host = host
        self.port = port
        self.tokens = tokens
        self.trustedHeader = trustedHeader
        self.trustedProxies = trustedProxies
        self.trustedRole = trustedRole
        self.publicURL = publicURL
    }
}
