import Yams

extension RulesFileReader {
    /// The parameters of a target or a deploy step: every entry except `excluding`, converted to `ConfigValue`s with
    /// every string checked as a template and every value under a secret-named key checked to be a reference.
    mutating func parameters(_ map: YAMLMap, excluding: String, _ what: String) -> [String: ConfigValue] {
        var parameters: [String: ConfigValue] = [:]
        for entry in map.entries where entry.key != excluding {
            parameters[entry.key] = parameter(entry.value, "\(what).\(entry.key)", secret: SecretKeys.isSecret(entry.key))
        }
        return parameters
    }

    /// One parameter value, checked recursively.
    mutating func parameter(_ node: Node, _ what: String, secret: Bool) -> ConfigValue {
        switch node {
        case .mapping:
            guard let map = map(node, what) else { return .null }
            var members: [String: ConfigValue] = [:]
            for entry in map.entries {
                let childSecret = secret || SecretKeys.isSecret(entry.key)
                members[entry.key] = parameter(entry.value, "\(what).\(entry.key)", secret: childSecret)
            }
            return .object(members)
        case .sequence(let sequence):
            return .array(sequence.enumerated().map { parameter($1, "\(what)[\($0)]", secret: secret) })
        case .scalar, .alias:
            let value = node.configValue
            if secret {
                checkSecret(value, node, what)
            } else if case .string(let text) = value {
                checkTemplate(text, node, what)
            }
            return value
        }
    }

    /// Reports a template error in `text` (unknown variable, unterminated `${`) at the string's position.
    mutating func checkTemplate(_ text: String, _ node: Node, _ what: String) {
        guard text.contains("$") else { return }
        do {
            _ = try Template(text)
        } catch {
            report("\(what): \(error)", at: node)
        }
    }

    /// Secret-named keys hold references; booleans and null are allowed (they cannot be secrets), nothing else.
    private mutating func checkSecret(_ value: ConfigValue, _ node: Node, _ what: String) {
        switch value {
        case .string(let text):
            _ = secretReference(text, at: node, what)
        case .int, .double:
            report(SecretKeys.literalMessage(what, text: ""), at: node)
        case .null, .bool, .array, .object:
            break
        }
    }
}
