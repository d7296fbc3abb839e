import Yams

extension RulesFileReader {
    static let ruleKeys = [
        "name", "source", "on", "branches", "tags", "paths", "repositories", "environment", "report", "environment_url", "production_environment",
        "transient_environment", "deploy",
    ]

    /// `rules:`: a list of rules, in order.
    mutating func rules(_ node: Node) -> [ParsedRule] {
        guard case .sequence(let sequence) = node else {
            report("rules must be a list of rules (each starting with '- name:'), found \(node.kindDescription)", at: node)
            return []
        }
        return sequence.enumerated().compactMap { rule($1, index: $0) }
    }

    private mutating func rule(_ node: Node, index: Int) -> ParsedRule? {
        guard let map = map(node, "rules[\(index)]") else { return nil }
        let name = required(map, "name", "rules[\(index)]", owner: node).flatMap { string($0, "rules[\(index)].name") }
        let what = name.map { "rules.\($0)" } ?? "rules[\(index)]"
        rejectUnknownKeys(map, allowed: Self.ruleKeys, what)
        let sourceNode = required(map, "source", what, owner: node)
        let source = sourceNode.flatMap { string($0, "\(what).source") }
        let on = refKind(map, what, owner: node)
        var rule = Rule(name: name ?? "", source: source ?? "", on: on ?? .branch, deploy: [], position: position(of: node))
        rule.branches = filter(map, "branches", what, allowedWith: on, .branch)
        rule.tags = filter(map, "tags", what, allowedWith: on, .tag)
        rule.paths = filter(map, "paths", what, allowedWith: on, .branch)
        rule.repositories = map["repositories"].map { patterns($0.value, "\(what).repositories") } ?? []
        rule.environment = map["environment"].flatMap { environment($0.value, "\(what).environment", on: on) }
        rule.report = map["report"].flatMap { reportMode($0.value, "\(what).report") }
        if let entry = map["environment_url"], let text = string(entry.value, "\(what).environment_url") {
            checkTemplate(text, entry.value, "\(what).environment_url")
            if let template = try? Template(text), let unknown = template.variables.first(where: { $0 == "run" || $0 == "delivery" }) {
                report("\(what).environment_url cannot use ${\(unknown)}: it is rendered when the run is planned", at: entry.value)
            }
            rule.environmentURL = text
        }
        rule.productionEnvironment = map["production_environment"].flatMap { bool($0.value, "\(what).production_environment") }
        rule.transientEnvironment = map["transient_environment"].flatMap { bool($0.value, "\(what).transient_environment") }
        let deploy = required(map, "deploy", what, owner: node).map { steps($0, "\(what).deploy") } ?? []
        return ParsedRule(rule: rule, sourceNode: sourceNode, steps: deploy, file: file)
    }

    private mutating func refKind(_ map: YAMLMap, _ what: String, owner: Node) -> RefKind? {
        guard let node = required(map, "on", what, owner: owner), let text = string(node, "\(what).on") else { return nil }
        switch text {
        case "push": return .branch
        case "tag": return .tag
        default:
            report("\(what).on must be push (branch updates) or tag (tag pushes), found '\(text)'", at: node)
            return nil
        }
    }

    /// `branches`, `tags` or `paths`: globs, only meaningful for one kind of rule.
    private mutating func filter(_ map: YAMLMap, _ key: String, _ what: String, allowedWith on: RefKind?, _ kind: RefKind) -> [String] {
        guard let entry = map[key] else { return [] }
        if let on, on != kind {
            let reason =
                switch key {
                case "branches": "branches applies only to on: push; a tag rule filters with tags"
                case "tags": "tags applies only to on: tag; a push rule filters with branches"
                default: "paths applies only to on: push: tag pushes carry no changed paths, so the rule would never fire"
                }
            report("\(what): \(reason)", at: entry.keyNode)
        }
        return patterns(entry.value, "\(what).\(key)")
    }

    private mutating func reportMode(_ node: Node, _ what: String) -> ReportMode? {
        guard let text = string(node, what) else { return nil }
        guard let mode = ReportMode(rawValue: text) else {
            let known = ReportMode.allCases.map(\.rawValue).joined(separator: ", ")
            report("\(what) must be one of \(known), found '\(text)'", at: node)
            return nil
        }
        return mode
    }

    /// A name, or a template over the event rendered when the run is planned: not `${delivery}` nor `${run}` (not
    /// known yet), nor `${environment}` (itself), nor the variable the rule's pushes leave empty (`${tag}` on push,
    /// `${branch}` on tag), which would give one environment an empty part.
    private mutating func environment(_ node: Node, _ what: String, on: RefKind?) -> String? {
        guard let text = string(node, what) else { return nil }
        checkTemplate(text, node, what)
        if text.contains("$"), let template = try? Template(text) {
            for variable in template.variables {
                guard let reason = Self.refusal(ofEnvironmentVariable: variable, on: on) else { continue }
                report("\(what) cannot use ${\(variable)}: \(reason)", at: node)
                break
            }
        }
        return text
    }

    /// Why an `environment` template of a rule `on` this kind of ref cannot use `variable`; nil when it can.
    private static func refusal(ofEnvironmentVariable variable: String, on: RefKind?) -> String? {
        switch (variable, on) {
        case ("environment", _): "it is the environment itself"
        case ("delivery", _), ("run", _): "the environment is chosen when the run is planned, before it is known"
        case ("tag", .branch?): "it is empty for every run of an on: push rule"
        case ("branch", .tag?): "it is empty for every run of an on: tag rule"
        default: nil
        }
    }

    private mutating func steps(_ node: Node, _ what: String) -> [ParsedStep] {
        guard case .sequence(let sequence) = node, !sequence.isEmpty else {
            report("\(what) must be a non-empty list of steps ({target: <name>, …}), found \(node.kindDescription)", at: node)
            return []
        }
        return sequence.enumerated().compactMap { step($1, "\(what)[\($0)]") }
    }

    /// `{target: name, …keys}`, or just `name`.
    private mutating func step(_ node: Node, _ what: String) -> ParsedStep? {
        if let name = node.scalarText {
            return ParsedStep(target: name, targetNode: node, map: nil, node: node, what: what, parameters: [:])
        }
        guard let map = map(node, what) else { return nil }
        if let entry = map["provider"] {
            report("\(what) cannot set provider: a step's provider is its target's", at: entry.keyNode)
        }
        var parameters = parameters(map, excluding: "target", what)
        parameters["provider"] = nil  // reported above; not also an unknown key of the target's provider
        guard let targetNode = required(map, "target", what, owner: node), let target = string(targetNode, "\(what).target") else {
            return nil
        }
        return ParsedStep(target: target, targetNode: targetNode, map: map, node: node, what: what, parameters: parameters)
    }
}
