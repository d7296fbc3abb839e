import Yams

/// Reads values out of one rules file's YAML tree, recording a positioned diagnostic for every problem and carrying
/// on, so that one load reports everything wrong at once.
///
/// Every reader takes `what`, the dotted path of the value (`sources.shop.secret`), used in messages.
struct RulesFileReader {
    let file: String
    private(set) var diagnostics: [RulesDiagnostic] = []

    init(file: String) {
        self.file = file
    }

    func position(of node: Node) -> SourcePosition {
        node.position(in: file)
    }

    mutating func report(_ message: String, at node: Node) {
        report(message, at: position(of: node))
    }

    mutating func report(_ message: String, at position: SourcePosition) {
        diagnostics.append(RulesDiagnostic(position: position, message: message))
    }

    /// The node as a map, or nil after reporting that it is not one.
    mutating func map(_ node: Node, _ what: String) -> YAMLMap? {
        guard case .mapping(let mapping) = node else {
            report("\(what) must be a map, found \(node.kindDescription)", at: node)
            return nil
        }
        var entries: [YAMLMap.Entry] = []
        var merged: [YAMLMap.Entry] = []
        for (keyNode, value) in mapping {
            if case .scalar = keyNode, keyNode.tagName == .merge {
                merged += mergedEntries(value, what)
                continue
            }
            guard let key = keyNode.scalarText else {
                report("\(what) has a key that is \(keyNode.kindDescription); keys must be strings", at: keyNode)
                continue
            }
            entries.append(.init(key: key, keyNode: keyNode, value: value))
        }
        let written = Set(entries.map(\.key))
        var seen: Set<String> = []
        let inherited = merged.reversed().filter { !written.contains($0.key) && seen.insert($0.key).inserted }.reversed()
        return YAMLMap(node: node, entries: Array(inherited) + entries)
    }

    /// The entries a `<<` merge key brings in: a map, or a list of maps where earlier maps win.
    private mutating func mergedEntries(_ value: Node, _ what: String) -> [YAMLMap.Entry] {
        switch value {
        case .mapping:
            return map(value, "\(what).<<")?.entries ?? []
        case .sequence(let sequence):
            return sequence.reversed().flatMap { map($0, "\(what).<<")?.entries ?? [] }
        default:
            report("\(what).<< must be a map or a list of maps, found \(value.kindDescription)", at: value)
            return []
        }
    }

    /// Reports every key of `map` that is not in `allowed`, with a suggestion for near misses.
    mutating func rejectUnknownKeys(_ map: YAMLMap, allowed: [String], _ what: String) {
        for entry in map.entries where !allowed.contains(entry.key) {
            let hint = NameSuggestion.hint(for: entry.key, in: allowed)
            report(
                "unknown key '\(entry.key)' in \(what)\(hint); expected one of: \(allowed.joined(separator: ", "))",
                at: entry.keyNode)
        }
    }

    /// The value of a required key, or nil after reporting it missing at `owner`.
    mutating func required(_ map: YAMLMap, _ key: String, _ what: String, owner: Node) -> Node? {
        guard let entry = map[key] else {
            report("\(what) is missing required key '\(key)'", at: owner)
            return nil
        }
        return entry.value
    }

    /// A non-null scalar's text (numbers and booleans as written), or nil after reporting.
    mutating func string(_ node: Node, _ what: String, allowEmpty: Bool = false) -> String? {
        guard let text = node.scalarText else {
            report("\(what) must be a string, found \(node.kindDescription)", at: node)
            return nil
        }
        if text.isEmpty && !allowEmpty {
            report("\(what) must not be empty", at: node)
            return nil
        }
        return text
    }

    /// A boolean (`true`/`false`), or nil after reporting.
    mutating func bool(_ node: Node, _ what: String) -> Bool? {
        guard case .scalar(let scalar) = node, node.tagName == .bool, let value = Bool.construct(from: scalar) else {
            report("\(what) must be true or false, found \(node.kindDescription)", at: node)
            return nil
        }
        return value
    }

    /// A list of strings (a single string counts as a list of one). Each element is returned with its node.
    mutating func strings(_ node: Node, _ what: String) -> [(text: String, node: Node)] {
        if node.scalarText != nil {
            return string(node, what).map { [($0, node)] } ?? []
        }
        guard case .sequence(let sequence) = node else {
            report("\(what) must be a string or a list of strings, found \(node.kindDescription)", at: node)
            return []
        }
        if sequence.isEmpty { report("\(what) must not be an empty list (leave the key out instead)", at: node) }
        return sequence.enumerated().compactMap { index, element in
            string(element, "\(what)[\(index)]").map { ($0, element) }
        }
    }

    /// A list of globs with `!` excludes, each checked.
    mutating func patterns(_ node: Node, _ what: String) -> [String] {
        strings(node, what).compactMap { text, element in
            if let problem = PatternList.validate(text) {
                report("\(what): \(problem) in pattern \"\(text)\"", at: element)
                return nil
            }
            return text
        }
    }

    /// Secret references (`env:NAME` or `file:/path`); a single string counts as a list of one.
    /// A literal is reported by key and position only: the value is never repeated.
    mutating func secretReferences(_ node: Node, _ what: String) -> [SecretReference] {
        strings(node, what).compactMap { text, element in secretReference(text, at: element, what) }
    }

    /// A reference is fixed in the rules file: a template in it (`file:/run/${branch}`) would render from push data,
    /// letting whoever can push choose which variable or file the bridge reads.
    mutating func secretReference(_ text: String, at node: Node, _ what: String) -> SecretReference? {
        if text.contains("${") {
            report(SecretKeys.templateMessage(what), at: node)
            return nil
        }
        if let reference = SecretReference(text) { return reference }
        report(SecretKeys.literalMessage(what, text: text), at: node)
        return nil
    }
}
