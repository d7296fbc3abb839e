import Yams

extension RulesFileReader {
    /// Checks the keys of `map` that `schema` knows and returns `parameters` with their values normalised
    /// (numbers written for string keys become strings).
    mutating func applySchema(
        _ schema: ProviderSchema, to map: YAMLMap, parameters: [String: ConfigValue], _ what: String
    ) -> [String: ConfigValue] {
        var parameters = parameters
        for entry in map.entries {
            guard let shape = schema.shapes[entry.key] else { continue }
            if let value = check(entry.value, shape: shape, "\(what).\(entry.key)") {
                parameters[entry.key] = value
            }
        }
        return parameters
    }

    /// The value in its normalised form, or nil after reporting that it has the wrong shape.
    private mutating func check(_ node: Node, shape: ProviderSchema.Shape, _ what: String) -> ConfigValue? {
        switch shape {
        case .string:
            return string(node, what).map(ConfigValue.string)
        case .oneOf(let allowed):
            guard let text = string(node, what) else { return nil }
            if !allowed.contains(text) && !text.contains("${") {
                report("\(what) must be one of \(allowed.joined(separator: ", ")), found '\(text)'", at: node)
            }
            return .string(text)
        case .argv:
            return argv(node, what)
        case .duration:
            guard let text = string(node, what) else { return nil }
            if Duration(configText: text) == nil {
                report("\(what) must be a duration such as 30s, 5m, 1h or 1h30m, found '\(text)'", at: node)
            }
            return .string(text)
        case .environment:
            return environment(node, what)
        }
    }

    private mutating func argv(_ node: Node, _ what: String) -> ConfigValue? {
        guard case .sequence(let sequence) = node, !sequence.isEmpty else {
            report(
                "\(what) must be a non-empty list of strings (one argument each, no shell), found \(node.kindDescription)",
                at: node)
            return nil
        }
        var arguments: [ConfigValue] = []
        for (index, element) in sequence.enumerated() {
            if let text = string(element, "\(what)[\(index)]", allowEmpty: index > 0) { arguments.append(.string(text)) }
        }
        return .array(arguments)
    }

    private mutating func environment(_ node: Node, _ what: String) -> ConfigValue? {
        guard let map = map(node, what) else { return nil }
        var members: [String: ConfigValue] = [:]
        for entry in map.entries {
            if !CommandRequest.isEnvironmentName(entry.key) {
                report("\(what): '\(entry.key)' is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)", at: entry.keyNode)
            }
            if let text = string(entry.value, "\(what).\(entry.key)", allowEmpty: true) { members[entry.key] = .string(text) }
        }
        return .object(members)
    }
}
