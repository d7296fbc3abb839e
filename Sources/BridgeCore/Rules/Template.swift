/// Why a string is not a valid template.
public enum TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `${` without a closing `}`.
    case unterminated
    /// `${}`.
    case emptyName
    /// `${name}` where `name` is not one of the known variables.
    case unknownVariable(String, suggestion: String?)

    /// What is wrong, for a diagnostic; the template's text is not repeated.
    public var description: String {
        switch self {
        case .unterminated:
            "unterminated ${ in template (write $$ for a literal $)"
        case .emptyName:
            "empty ${} in template"
        case .unknownVariable(let name, let suggestion):
            "unknown template variable ${\(name)}"
                + (suggestion.map { " (did you mean ${\($0)}?)" } ?? "")
                + "; known: " + TemplateVariables.names.map { "${\($0)}" }.joined(separator: " ")
        }
    }
}

/// A string with `${variable}` placeholders, parsed once.
///
/// `$$` is a literal `$`; a `$` not followed by `{` or `$` is kept as it is (so `$HOME` passes through unchanged).
public struct Template: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case literal(String)
        case variable(String)
    }

    /// The template as written.
    public let text: String
    let parts: [Part]

    /// Parses `text`; every `${name}` must name one of `known` (by default, `TemplateVariables.names`).
    public init(_ text: String, known: Set<String> = TemplateVariables.nameSet) throws(TemplateError) {
        self.text = text
        self.parts = try Self.parse(text, known: known)
    }

    /// The variables it uses, in order of appearance (with repeats).
    public var variables: [String] {
        parts.compactMap {
            if case .variable(let name) = $0 { return name }
            return nil
        }
    }

    /// Whether it contains no variable (rendering gives the text back, with `$$` unescaped).
    public var isConstant: Bool { variables.isEmpty }

    /// The text with each variable replaced by its value; a variable missing from `variables` renders empty.
    public func render(_ variables: [String: String]) -> String {
        var output = ""
        for part in parts {
            switch part {
            case .literal(let text): output += text
            case .variable(let name): output += variables[name] ?? ""
            }
        }
        return output
    }

    private static func parse(_ text: String, known: Set<String>) throws(TemplateError) -> [Part] {
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            literal += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.first == "$" {
                literal += "$"
                rest = after.dropFirst()
            } else if after.first == "{" {
                guard let close = after.firstIndex(of: "}") else { throw .unterminated }
                let name = String(after[after.index(after: after.startIndex)..<close])
                try check(name, known: known)
                if !literal.isEmpty { parts.append(.literal(literal)) }
                literal = ""
                parts.append(.variable(name))
                rest = after[after.index(after: close)...]
            } else {
                literal += "$"
                rest = after
            }
        }
        literal += rest
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return parts
    }

    private static func check(_ name: String, known: Set<String>) throws(TemplateError) {
        if name.isEmpty { throw .emptyName }
        guard known.contains(name) else {
            throw .unknownVariable(name, suggestion: NameSuggestion.closest(to: name, in: known.sorted()))
        }
    }
}
