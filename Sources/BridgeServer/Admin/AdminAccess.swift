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
