/// Whether one rule matches one ref update, and why (in words for `explain` and ignored deliveries).
struct RuleMatch {
    /// True when every filter of the rule passes (deletions are handled by the planner).
    var matched: Bool
    /// Why it failed, or what matched.
    var reason: String
    /// Notes for the run, such as a path filter that could not be fully checked.
    var notes: [String]

    /// Checks, in order: the kind of ref, the repository, the branch or tag, the changed paths.
    init(rule: Rule, event: PushEvent) {
        matched = false
        notes = []
        if let mismatch = Self.kindMismatch(rule, event) {
            reason = mismatch
            return
        }
        guard rule.repositoryPatterns.matches(event.repository) else {
            reason = "repository \(event.repository) is not in \(rule.repositoryPatterns)"
            return
        }
        let refPatterns = event.refKind == .branch ? rule.branchPatterns : rule.tagPatterns
        let ref = Self.describe(event)
        guard refPatterns.matches(event.refName) else {
            reason = "\(ref) does not match \(refPatterns)"
            return
        }
        var facts = [refPatterns.isEmpty ? "\(ref) (no \(event.refKind.rawValue) filter)" : "\(ref) matches \(refPatterns)"]
        if !rule.pathPatterns.isEmpty {
            switch Self.pathFact(rule.pathPatterns, event) {
            case .matched(let fact): facts.append(fact)
            case .truncated(let note):
                facts.append(note)
                notes.append(note)
            case .mismatch(let mismatch):
                reason = mismatch
                return
            }
        }
        matched = true
        reason = "matched: " + facts.joined(separator: "; ")
    }

    /// `branch main` or `tag v1.2.0`.
    static func describe(_ event: PushEvent) -> String {
        "\(event.refKind.rawValue) \(event.refName)"
    }

    private static func kindMismatch(_ rule: Rule, _ event: PushEvent) -> String? {
        switch (rule.on, event.refKind) {
        case (.branch, .tag): "on: push but this is a tag push"
        case (.tag, .branch): "on: tag but this is a branch push"
        case (.branch, .branch), (.tag, .tag): nil
        }
    }

    private enum PathFact {
        case matched(String)
        case truncated(String)
        case mismatch(String)
    }

    /// Some changed path must pass the filter. When the forge truncated the commit list, paths it left out might
    /// have, so the rule matches and the run says why (a missed deployment is worse than an extra one).
    private static func pathFact(_ patterns: PatternList, _ event: PushEvent) -> PathFact {
        if let path = event.changedPaths.first(matching: patterns) {
            return .matched("changed path \(path) matches \(patterns)")
        }
        if event.pathsTruncated {
            return .truncated("commit list truncated by the forge: path filter \(patterns) could not be fully checked")
        }
        let detail = event.changedPaths.isEmpty ? " (the push lists no changed paths)" : ""
        return .mismatch("no changed path matches \(patterns)\(detail)")
    }
}
