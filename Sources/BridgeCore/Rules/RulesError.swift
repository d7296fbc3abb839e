/// One problem in a rules file, at a place.
public struct RulesDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is. Line and column are 0 when the problem concerns a whole path (an empty directory).
    public var position: SourcePosition
    /// What is wrong and, where possible, how to fix it. Never contains a secret value.
    public var message: String

    /// Creates a diagnostic.
    public init(position: SourcePosition, message: String) {
        self.position = position
        self.message = message
    }

    /// `file:line:column: message`, or `path: message` when the problem has no line.
    public var description: String {
        if position.line == 0 { return "\(position.file): \(message)" }
        return "\(position): \(message)"
    }
}

/// Every problem found while loading a rules file or directory (not just the first).
public struct RulesError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, ordered by file (in load order), then line, then column.
    public var diagnostics: [RulesDiagnostic]

    /// Creates an error from diagnostics.
    public init(diagnostics: [RulesDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// One `file:line:column: message` per line.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
