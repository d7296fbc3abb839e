import Yams

extension RulesFileReader {
    static let sourceKeys = ["forge", "secret", "token", "signing_secret", "allow_sha1", "insecure", "repositories", "recover"]

    /// The keys a source of each forge may use, beyond `forge`, `insecure` and `repositories`.
    static func verificationKeys(for forge: Forge) -> [String] {
        switch forge {
        case .github: ["secret", "allow_sha1"]
        case .gitlab: ["token", "signing_secret"]
        case .gitea, .forgejo, .bitbucket: ["secret"]
        }
    }

    /// `sources:`: a map of name to source.
    mutating func sources(_ node: Node) -> [SourceDefinition] {
        guard let map = map(node, "sources") else { return [] }
        return map.entries.compactMap { source($0) }
    }

    private mutating func source(_ entry: YAMLMap.Entry) -> SourceDefinition? {
        let name = entry.key
        let what = "sources.\(name)"
        if !Self.isPathSafe(name) {
            report(
                "source name '\(name)' is not URL-path-safe: use letters, digits, '.', '_' and '-' (it becomes POST /hooks/<name>)",
                at: entry.keyNode)
        }
        guard let map = map(entry.value, what) else { return nil }
        rejectUnknownKeys(map, allowed: Self.sourceKeys, what)
        let forge = forge(map, what, owner: entry.keyNode)
        var source = SourceDefinition(name: name, forge: forge ?? .github, position: position(of: entry.keyNode))
        if let forge { rejectForeignKeys(map, forge: forge, what) }
        source.secrets = map["secret"].map { secretReferences($0.value, "\(what).secret") } ?? []
        source.tokens = map["token"].map { secretReferences($0.value, "\(what).token") } ?? []
        source.signingSecrets = map["signing_secret"].map { secretReferences($0.value, "\(what).signing_secret") } ?? []
        source.allowSHA1 = map["allow_sha1"].flatMap { bool($0.value, "\(what).allow_sha1") } ?? false
        source.insecure = map["insecure"].flatMap { bool($0.value, "\(what).insecure") } ?? false
        source.repositories = map["repositories"].map { patterns($0.value, "\(what).repositories") } ?? []
        source.recover = map["recover"].flatMap { recover($0.value, forge: source.forge, "\(what).recover") }
        checkVerification(map, source: source, what, owner: entry.keyNode)
        return source
    }

    private mutating func forge(_ map: YAMLMap, _ what: String, owner: Node) -> Forge? {
        guard let node = required(map, "forge", what, owner: owner), let text = string(node, "\(what).forge") else { return nil }
        guard let forge = Forge(rawValue: text) else {
            let known = Forge.allCases.map(\.rawValue)
            report(
                "unknown forge '\(text)' in \(what).forge\(NameSuggestion.hint(for: text, in: known)); expected one of: "
                    + known.joined(separator: ", "),
                at: node)
            return nil
        }
        return forge
    }

    /// `token` on a GitHub source, `secret` on a GitLab one…: keys of another forge are mistakes, not no-ops.
    private mutating func rejectForeignKeys(_ map: YAMLMap, forge: Forge, _ what: String) {
        let own = Self.verificationKeys(for: forge)
        for entry in map.entries where Self.sourceKeys.contains(entry.key) {
            guard !["forge", "insecure", "repositories", "recover"].contains(entry.key), !own.contains(entry.key) else { continue }
            report(
                "'\(entry.key)' does not apply to forge \(forge.rawValue) in \(what): a \(forge.rawValue) source uses "
                    + own.joined(separator: ", "),
                at: entry.keyNode)
        }
    }

    /// A source must be verifiable, or say explicitly that it is not.
    private mutating func checkVerification(_ map: YAMLMap, source: SourceDefinition, _ what: String, owner: Node) {
        let configured = ["secret", "token", "signing_secret"].filter { map[$0] != nil }
        if source.insecure, let key = configured.first, let entry = map["insecure"] {
            report("\(what) sets both insecure: true and \(key): remove one (insecure accepts unverified deliveries)", at: entry.keyNode)
        } else if !source.insecure && configured.isEmpty {
            let keys = Self.verificationKeys(for: source.forge).filter { $0 != "allow_sha1" }
            report(
                "source \(source.name) has no \(keys.joined(separator: " or ")): deliveries could not be verified; "
                    + "add one (env:NAME or file:/path), or set insecure: true to accept unverified deliveries",
                at: owner)
        }
    }

    /// `[A-Za-z0-9._-]+`, and not only dots (`/hooks/..` is not a name).
    static func isPathSafe(_ name: String) -> Bool {
        let ranges: [ClosedRange<Unicode.Scalar>] = ["a"..."z", "A"..."Z", "0"..."9", "."...".", "_"..."_", "-"..."-"]
        return !name.isEmpty && !name.allSatisfy { $0 == "." }
            && name.unicodeScalars.allSatisfy { scalar in ranges.contains { $0.contains(scalar) } }
    }
}
