/// What `check` says about status reporting that is not an error: sources whose runs tell their forge nothing.
public enum StatusNotes {
    /// One line per source or rule that reports nothing, with where it is defined.
    public static func notes(for rules: RuleSet) -> [String] {
        var notes: [String] = []
        let used = Set(rules.rules.map(\.source))
        for source in rules.sources.values.sorted(by: { $0.name < $1.name }) where used.contains(source.name) {
            if rules.status[source.forge] == nil {
                notes.append(
                    "\(source.position): source \(source.name) (\(source.forge.rawValue)) reports no status: the rules have no "
                        + "status.\(source.forge.rawValue) block")
            }
        }
        for rule in rules.rules {
            guard let source = rules.sources[rule.source], rules.status[source.forge] != nil, rule.report != ReportMode.none else { continue }
            if RunReport.reporters(of: rule, forge: source.forge).isEmpty {
                notes.append(
                    "\(rule.position): rule \(rule.name) reports no status: \(source.forge.rawValue) shows deployments only in an "
                        + "environment, and the rule names none")
            }
        }
        return notes
    }
}
