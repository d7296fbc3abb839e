import Yams

extension RulesFileReader {
    static let topLevelKeys = ["version", "sources", "status", "targets", "rules"]

    /// Reads one file's text into what it defines; problems are left in `diagnostics`.
    mutating func fragment(contents: String) -> RulesFragment {
        var fragment = RulesFragment(file: file)
        guard let root = compose(contents) else { return fragment }
        guard let map = map(root, "a rules file") else { return fragment }
        rejectUnknownKeys(map, allowed: Self.topLevelKeys, "the top level")
        checkVersion(map, root: root)
        fragment.sources = map["sources"].map { sources($0.value) } ?? []
        fragment.status = map["status"].map { status($0.value) } ?? []
        let parsedTargets = map["targets"].map { targets($0.value) } ?? []
        fragment.targets = parsedTargets.map(\.definition)
        fragment.targetNodes = Dictionary(parsedTargets.map { ($0.definition.name, $0.node) }) { first, _ in first }
        fragment.rules = map["rules"].map { rules($0.value) } ?? []
        return fragment
    }

    private mutating func checkVersion(_ map: YAMLMap, root: Node) {
        guard let entry = map["version"] else {
            report("missing 'version: 1' at the top of the file", at: SourcePosition(file: file, line: 1, column: 1))
            return
        }
        if entry.value.configValue != .int(1) {
            let found = entry.value.scalarText.map { "'\($0)'" } ?? entry.value.kindDescription
            report("unsupported version \(found): this bridge reads version: 1", at: entry.value)
        }
    }

    /// The document's root node, or nil after reporting a syntax error (or an empty file).
    private mutating func compose(_ contents: String) -> Node? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: contents, .default, .default, .utf8)
        } catch let error as YamlError {
            report(error)
            return nil
        } catch {
            report("cannot parse the file as YAML", at: SourcePosition(file: file, line: 1, column: 1))
            return nil
        }
        guard let root else {
            report("the file is empty: a rules file starts with 'version: 1'", at: SourcePosition(file: file, line: 1, column: 1))
            return nil
        }
        return root
    }

    /// A YAML error as a positioned diagnostic. Only libyaml's problem text is used: Yams' own description quotes the
    /// offending line, which could hold a secret.
    private mutating func report(_ error: YamlError) {
        let start = SourcePosition(file: file, line: 1, column: 1)
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            report("invalid YAML: \(problem)\(detail)", at: position(of: mark))
        case .reader(let problem, let offset, _, let yaml):
            report("invalid YAML: \(problem)", at: offset.map { position(ofCharacter: $0, in: yaml) } ?? start)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            report("invalid YAML: key \(keys) appears more than once in the same map (first here)", at: position(of: context.mark))
        default:
            report("invalid YAML", at: start)
        }
    }

    private func position(of mark: Mark) -> SourcePosition {
        SourcePosition(file: file, line: max(mark.line, 1), column: max(mark.column, 1))
    }

    private func position(ofCharacter offset: Int, in text: String) -> SourcePosition {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return SourcePosition(file: file, line: line, column: column)
    }
}
