import Yams

extension RulesFileReader {
    /// A source's `recover:`: `false`, or `{repositories, organizations, hook}` naming where its hook is.
    mutating func recover(_ node: Node, forge: Forge, _ what: String) -> RecoverSettings? {
        if case .scalar = node, node.tagName == .bool {
            guard let value = bool(node, what) else { return nil }
            if value { report("\(what): true says nothing of where the hook is; write {repositories: [...]} or false", at: node) }
            return nil
        }
        guard let map = map(node, what) else { return nil }
        guard RecoverSettings.forges.contains(forge) else {
            report("\(what): \(forge.rawValue) keeps no delivery log the bridge can read; recover works with github and gitlab", at: node)
            return nil
        }
        rejectUnknownKeys(map, allowed: ["repositories", "organizations", "hook"], what)
        var settings = RecoverSettings(position: position(of: node))
        settings.repositories = map["repositories"].map { names($0.value, "\(what).repositories", parts: forge == .github ? 2 : nil) } ?? []
        if let entry = map["organizations"] {
            if forge == .github {
                settings.organizations = names(entry.value, "\(what).organizations", parts: 1)
            } else {
                report("\(what).organizations: GitLab project hooks are read per project; list them in repositories", at: entry.keyNode)
            }
        }
        settings.hook = map["hook"].flatMap { string($0.value, "\(what).hook") }
        if let hook = settings.hook, !hook.allSatisfy(\.isNumber), let entry = map["hook"] {
            report("\(what).hook must be the hook's numeric id", at: entry.value)
        }
        if let entry = map["hook"], settings.owners.count > 1 {
            report(
                "\(what).hook names one hook, but \(settings.owners.count) repositories and organizations are listed; give a source one owner to name its hook",
                at: entry.keyNode)
        }
        if settings.owners.isEmpty {
            report("\(what) names no repositories\(forge == .github ? " or organizations" : ""): say whose hook calls this source", at: node)
            return nil
        }
        return settings
    }

    /// Exact names (no globs): `owner/name` when `parts` is 2, one segment when 1, any path when nil.
    private mutating func names(_ node: Node, _ what: String, parts: Int?) -> [String] {
        strings(node, what).compactMap { text, element in
            let segments = text.split(separator: "/", omittingEmptySubsequences: false)
            let wellFormed = segments.allSatisfy { !$0.isEmpty && !$0.contains("*") && !$0.contains(" ") }
            guard wellFormed, parts.map({ segments.count == $0 }) ?? true else {
                let shape = parts == 2 ? "owner/name" : parts == 1 ? "a name" : "a project path (group/project)"
                report("\(what): \"\(text)\" is not \(shape) (recover reads one hook each, so no globs)", at: element)
                return nil
            }
            return text
        }
    }
}
