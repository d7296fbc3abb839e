import BridgeCore

/// Step parameters as the run page shows them: the value of a key that names a secret (`token`, `secret`,
/// `password`, `private_key`) is shown only when it is a reference (`env:NAME`, `file:/path`), else `(masked)`.
enum ParameterMask {
    static let secretWords = ["secret", "token", "password", "private_key", "credential"]

    static func masked(_ value: ConfigValue) -> ConfigValue {
        switch value {
        case .object(let values):
            var out: [String: ConfigValue] = [:]
            for (key, inner) in values {
                let lower = key.lowercased()
                out[key] = secretWords.contains(where: lower.contains) ? reference(inner) : masked(inner)
            }
            return .object(out)
        case .array(let items):
            return .array(items.map(masked))
        default:
            return value
        }
    }

    private static func reference(_ value: ConfigValue) -> ConfigValue {
        if case .string(let text) = value, text.hasPrefix("env:") || text.hasPrefix("file:") { return value }
        if case .object = value { return masked(value) }
        return .string("(masked)")
    }
}
