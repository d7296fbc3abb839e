/// Which keys hold secrets, and what to say when one holds a literal.
public enum SecretKeys {
    /// Fragments that mark a key as secret, compared after lowercasing and dropping `_` and `-`
    /// (so `secretAccessKey`, `secret_access_key` and `GITHUB_TOKEN` are all secret).
    static let fragments = ["secret", "token", "password", "accesskey", "privatekey", "credentials"]

    /// Whether a target or step key (or a command's `env` name) names a secret, so its values must be references.
    public static func isSecret(_ key: String) -> Bool {
        let folded = key.lowercased().filter { $0 != "_" && $0 != "-" }
        return fragments.contains { folded.contains($0) }
    }

    /// The message for a reference holding a template. It names the key, never the value.
    static func templateMessage(_ what: String) -> String {
        "\(what) must not contain a template: a secret reference (env:NAME or file:/path) is fixed in the rules file, "
            + "since a template would let whoever can push choose which variable or file is read"
    }

    /// The message for a value that is not a reference. It names the key, never the value.
    static func literalMessage(_ what: String, text: String) -> String {
        if text.hasPrefix("env:") {
            return "\(what) is not a valid secret reference: env: must be followed by a variable name of letters, digits and _"
        }
        if text.hasPrefix("file:") {
            return "\(what) is not a valid secret reference: file: must be followed by a path"
        }
        return "\(what) holds a literal secret: write a reference (env:NAME or file:/path) instead; the value is not shown"
    }
}
