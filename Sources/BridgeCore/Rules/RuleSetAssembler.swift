import Yams

/// Merges the fragments of every file into one `RuleSet` and checks what spans files: unique names, the sources and
/// targets rules refer to, and deploy steps against their target's provider.
struct RuleSetAssembler {
    var diagnostics: [RulesDiagnostic] = []
    /// Each target's map node, for problems found in its keys.
    private(set) var targetNodes: [String: TargetNode] = [:]

    mutating func assemble(_ fragments: [RulesFragment]) -> RuleSet {
        var sources: [String: SourceDefinition] = [:]
        var targets: [String: TargetDefinition] = [:]
        var status = StatusSettings()
        for fragment in fragments {
            for source in fragment.sources {
                unique(source.name, "source", at: source.position, previous: sources[source.name]?.position)
                sources[source.name] = sources[source.name] ?? source
            }
            for target in fragment.targets {
                unique(target.name, "target", at: target.position, previous: targets[target.name]?.position)
                targets[target.name] = targets[target.name] ?? target
                if targetNodes[target.name] == nil, let node = fragment.targetNodes[target.name] {
                    targetNodes[target.name] = TargetNode(file: fragment.file, node: node)
                }
            }
            for settings in fragment.status {
                unique(settings.forge.rawValue, "status setting", at: settings.position, previous: status[settings.forge]?.position)
                status[settings.forge] = status[settings.forge] ?? settings
            }
        }
        let rules = rules(fragments.flatMap(\.rules), sources: sources, targets: targets)
        for entry in fragments.flatMap(\.rules) {
            if let source = sources[entry.rule.source] { checkReport(entry.rule, forge: source.forge) }
        }
        checkUnusedTargets(targets, rules: rules)
        checkRecoverCredentials(sources, status: status)
        return RuleSet(sources: sources, status: status, targets: targets, rules: rules, files: fragments.map(\.file))
    }

    /// Recovery reads the forge's API with the `status.<forge>` block's credentials.
    private mutating func checkRecoverCredentials(_ sources: [String: SourceDefinition], status: StatusSettings) {
        for source in sources.values.sorted(by: { $0.name < $1.name }) {
            guard let recover = source.recover, status[source.forge] == nil else { continue }
            report(
                "sources.\(source.name).recover needs API credentials: add a status.\(source.forge.rawValue) block "
                    + "(recovery uses its token\(source.forge == .github ? " or GitHub App" : ""))",
                at: recover.position)
        }
    }

    /// A rule's `report:` asks for what its forge can show.
    private mutating func checkReport(_ rule: Rule, forge: Forge) {
        guard let mode = rule.report, mode != .none else { return }
        let kinds = Set(StatusForge.named(forge)?.reporters.map(\.kind) ?? [])
        for kind in ReportKind.allCases where mode.includes(kind) {
            if !kinds.contains(kind) {
                let other = kinds.first.map { "; use report: \($0.rawValue)" } ?? ""
                report(
                    "rule \(rule.name): \(forge.rawValue) shows no \(kind == .deployment ? "deployments" : "commit statuses")\(other)",
                    at: rule.position)
            } else if kind == .deployment && rule.environment == nil {
                report("rule \(rule.name): report: \(mode.rawValue) needs an environment (a deployment belongs to one)", at: rule.position)
            }
        }
    }

    private mutating func unique(_ name: String, _ kind: String, at position: SourcePosition, previous: SourcePosition?) {
        guard let previous else { return }
        report("\(kind) \(name) is defined twice: here and at \(previous)", at: position)
    }

    private mutating func rules(
        _ parsed: [ParsedRule], sources: [String: SourceDefinition], targets: [String: TargetDefinition]
    ) -> [Rule] {
        var seen: [String: SourcePosition] = [:]
        return parsed.map { entry in
            var rule = entry.rule
            if !rule.name.isEmpty {
                unique(rule.name, "rule", at: rule.position, previous: seen[rule.name])
                seen[rule.name] = seen[rule.name] ?? rule.position
            }
            if let node = entry.sourceNode, !rule.source.isEmpty, sources[rule.source] == nil {
                report(
                    "rule \(rule.name) refers to unknown source '\(rule.source)'"
                        + NameSuggestion.hint(for: rule.source, in: sources.keys.sorted()) + known(sources.keys.sorted()),
                    at: node.position(in: entry.file))
            }
            rule.deploy = entry.steps.compactMap { step($0, file: entry.file, targets: targets) }
            return rule
        }
    }

    /// A deploy step, its keys checked against its target's provider.
    private mutating func step(_ step: ParsedStep, file: String, targets: [String: TargetDefinition]) -> StepDefinition? {
        var reader = RulesFileReader(file: file)
        defer { diagnostics += reader.diagnostics }
        guard let target = targets[step.target] else {
            reader.report(
                "unknown target '\(step.target)' in \(step.what)"
                    + NameSuggestion.hint(for: step.target, in: targets.keys.sorted()) + known(targets.keys.sorted()),
                at: step.targetNode)
            return nil
        }
        var parameters = step.parameters
        if let map = step.map, let definition = ProviderDefinition.named(target.provider) {
            parameters = reader.applySchema(definition.schema, to: map, parameters: parameters, step.what)
        }
        let definition = StepDefinition(target: step.target, parameters: parameters, position: reader.position(of: step.node))
        checkRequest(definition, parsed: step, file: file, target: target)
        return definition
    }

    private func known(_ names: [String]) -> String {
        names.isEmpty ? "; none is defined" : "; defined: " + names.joined(separator: ", ")
    }

    private mutating func report(_ message: String, at position: SourcePosition) {
        diagnostics.append(RulesDiagnostic(position: position, message: message))
    }
}
