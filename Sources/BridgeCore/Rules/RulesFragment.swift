import Yams

/// What one rules file defines, before it is merged with the other files of a directory and cross-checked.
struct RulesFragment {
    var file: String
    var sources: [SourceDefinition] = []
    var status: [ForgeStatusSettings] = []
    var targets: [TargetDefinition] = []
    /// Each target's map node, by name, so problems found later point at the key they are about.
    var targetNodes: [String: Node] = [:]
    var rules: [ParsedRule] = []

    init(file: String) {
        self.file = file
    }
}

/// A rule as read from its file, with the nodes that later checks point at.
struct ParsedRule {
    /// The rule with its own keys read; `deploy` is filled in once targets are known.
    var rule: Rule
    /// The `source:` value, for an unknown-source error.
    var sourceNode: Node?
    var steps: [ParsedStep]
    /// The file's reader, so cross-file checks report against the right file.
    var file: String
}

/// A deploy entry as read, with its nodes: its keys are checked against its target's provider once targets are known.
struct ParsedStep {
    var target: String
    var targetNode: Node
    /// The entry's map (nil for the `- target-name` shorthand).
    var map: YAMLMap?
    var node: Node
    /// Its dotted path for messages (`rules.release.deploy[0]`).
    var what: String
    /// Every key except `target`, already checked for templates and secrets.
    var parameters: [String: ConfigValue]
}
