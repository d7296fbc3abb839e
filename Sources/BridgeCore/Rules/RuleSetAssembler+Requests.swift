import Yams

/// A target's map node and the file it is in.
struct TargetNode {
    var file: String
    var node: Node
}

extension RuleSetAssembler {
    /// Checks a step against its provider's `ProviderDefinition.problems`: its target's keys with the step's laid over
    /// them, as the worker will send them. A problem points at the key it is about: in the step when the step writes
    /// that key, else in the target (so a target's own mistake is reported once, however many steps use it).
    mutating func checkRequest(_ step: StepDefinition, parsed: ParsedStep, file: String, target: TargetDefinition) {
        guard let definition = ProviderDefinition.named(target.provider) else { return }
        for problem in definition.problems(Planner.parameters(target: target, step: step)) {
            if let stepMap = parsed.map, let key = problem.key, Self.topKey(of: key).map({ stepMap[$0] != nil }) == true {
                let node = Self.node(at: key, in: stepMap.node, keyItself: problem.isAboutTheKey)
                reportOnce("\(parsed.what) (target \(target.name), \(target.provider)): \(problem.message)", at: node.position(in: file))
            } else {
                reportAtTarget(problem, target: target)
            }
        }
    }

    /// Checks the targets that no step uses, on their own keys.
    mutating func checkUnusedTargets(_ targets: [String: TargetDefinition], rules: [Rule]) {
        let used = Set(rules.flatMap { $0.deploy.map(\.target) })
        for target in targets.values.sorted(by: { $0.name < $1.name }) where !used.contains(target.name) {
            guard let definition = ProviderDefinition.named(target.provider) else { continue }
            for problem in definition.problems(.object(target.parameters)) { reportAtTarget(problem, target: target) }
        }
    }

    private mutating func reportAtTarget(_ problem: ParameterProblem, target: TargetDefinition) {
        var position = target.position
        if let key = problem.key, let located = targetNodes[target.name] {
            position = Self.node(at: key, in: located.node, keyItself: problem.isAboutTheKey).position(in: located.file)
        }
        reportOnce("target \(target.name) (\(target.provider)): \(problem.message)", at: position)
    }

    private mutating func reportOnce(_ message: String, at position: SourcePosition) {
        let diagnostic = RulesDiagnostic(position: position, message: message)
        if !diagnostics.contains(diagnostic) { diagnostics.append(diagnostic) }
    }

    /// `canary` of `canary.percent_traffic`, `alarms` of `alarms[1]`.
    static func topKey(of key: String) -> String? {
        components(of: key).first.flatMap { if case .key(let name) = $0 { name } else { nil } }
    }

    private enum Component {
        case key(String)
        case index(Int)
    }

    /// `a.b[2].c` → key a, key b, index 2, key c.
    private static func components(of key: String) -> [Component] {
        var components: [Component] = []
        for part in key.split(separator: ".", omittingEmptySubsequences: false) {
            var name = Substring(part)
            var indexes: [Int] = []
            while name.hasSuffix("]"), let open = name.lastIndex(of: "["),
                let index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)])
            {
                indexes.insert(index, at: 0)
                name = name[..<open]
            }
            components.append(.key(String(name)))
            components += indexes.map(Component.index)
        }
        return components
    }

    /// Where a problem about `key` under `root` points: the value (a list's element), or the key itself when the
    /// problem is the key; the deepest key that exists when the rest of the path does not.
    static func node(at key: String, in root: Node, keyItself: Bool) -> Node {
        var current = root
        var found = root
        for component in components(of: key) {
            switch (component, current) {
            case (.key(let name), .mapping(let mapping)):
                guard let pair = mapping.first(where: { $0.key.scalarText == name }) else { return found }
                found = pair.key
                current = pair.value
            case (.index(let index), .sequence(let sequence)) where sequence.indices.contains(index):
                found = sequence[index]
                current = sequence[index]
            default:
                return found
            }
        }
        return keyItself ? found : current
    }
}
