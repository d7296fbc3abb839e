import BridgeCore

/// The admin tokens, resolved at start-up, and the check of a request's `Authorization` header against them.
public struct AdminAccess: Sendable {
    struct Token: Sendable {
        let name: String
        let role: AdminRole
        let value: [UInt8]
    }

    let tokens: [Token]

    /// Resolves every token's reference; an unreadable or empty one stops the start, naming the token, not its value.
    public init(_ settings: [AdminTokenSetting], resolver: any SecretResolver) throws(StartupError) {
        var tokens: [Token] = []
        for setting in settings {
            do {
                let secret = try resolver.resolve(setting.reference)
                tokens.append(Token(name: setting.name, role: setting.role, value: secret.bytes))
            } catch {
                throw StartupError("admin token '\(setting.name)': \(error)")
            }
        }
        self.tokens = tokens
    }

    /// The key of the dashboard's session cookies: derived from every token (names, roles and values), so replicas given
    /// the same tokens accept each other's sessions, and changing any token ends them all. Nil without tokens.
    var sessionKey: [UInt8]? {
        guard !tokens.isEmpty else { return nil }
        var material: [UInt8] = []
        for token in tokens.sorted(by: { $0.name < $1.name }) {
            material += Array("\(token.name)\u{0}\(token.role.rawValue)\u{0}".utf8) + token.value + [0]
        }
        return Digest.hmac(.sha256, key: material, message: Array("gitops-bridge dashboard sessions v1".utf8))
    }

    /// The role of the token named `name` now; nil when no token has that name any more.
    func role(named name: String) -> AdminRole? {
        tokens.first { $0.name == name }?.role
    }

    /// The role of the token an `Authorization: Bearer …` header carries; nil for a missing, malformed or unknown one.
    /// Every configured token is compared, each in constant time, so the answer's timing tells nothing of which
    /// token came close.
    func role(authorization: String?) -> (name: String, role: AdminRole)? {
        guard let authorization, authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else { return nil }
        return role(token: Array(authorization.dropFirst(7).utf8))
    }

    /// The name and role of the token `presented` is, compared like `role(authorization:)`; nil for none.
    func role(token presented: [UInt8]) -> (name: String, role: AdminRole)? {
        guard !presented.isEmpty else { return nil }
        var found: (name: String, role: AdminRole)?
        for token in tokens {
            let matches = Digest.constantTimeEqual(token.value, presented)
            if matches, found == nil { found = (token.name, token.role) }
        }
        return found
    }
}
