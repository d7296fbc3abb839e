import Yams

extension RulesFileReader {
    /// `targets:`: a map of name to target, each with its node (where later checks of its keys point).
    mutating func targets(_ node: Node) -> [(definition: TargetDefinition, node: Node)] {
        guard let map = map(node, "targets") else { return [] }
        return map.entries.compactMap { entry in target(entry).map { ($0, entry.value) } }
    }

    private mutating func target(_ entry: YAMLMap.Entry) -> TargetDefinition? {
        let what = "targets.\(entry.key)"
        guard let map = map(entry.value, what) else { return nil }
        var parameters = parameters(map, excluding: "provider", what)
        guard let providerNode = required(map, "provider", what, owner: entry.keyNode),
            let provider = string(providerNode, "\(what).provider")
        else { return nil }
        if let definition = ProviderDefinition.named(provider) {
            parameters = applySchema(definition.schema, to: map, parameters: parameters, what)
            for key in definition.schema.required where map[key] == nil {
                report("target \(entry.key) (provider \(provider)) is missing required key '\(key)'", at: entry.keyNode)
            }
        } else {
            report(
                "unknown provider '\(provider)' in \(what).provider\(NameSuggestion.hint(for: provider, in: ProviderDefinition.names)); "
                    + "expected one of: \(ProviderDefinition.names.joined(separator: ", "))",
                at: providerNode)
        }
        return TargetDefinition(name: entry.key, provider: provider, parameters: parameters, position: position(of: entry.keyNode))
    }
}
