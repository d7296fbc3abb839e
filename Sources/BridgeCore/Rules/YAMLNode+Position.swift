import Yams

extension Node {
    /// Where the node starts in `file` (1:1 when Yams has no mark, which only happens for nodes built in code).
    func position(in file: String) -> SourcePosition {
        SourcePosition(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// The resolved tag's name (`Tag.name` itself is internal to Yams).
    var tagName: Tag.Name {
        Tag.Name(rawValue: tag.rawValue)
    }

    /// The node's kind for "expected …, found …" messages.
    var kindDescription: String {
        switch self {
        case .mapping: return "a map"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            switch tagName {
            case .null: return "nothing (null)"
            case .bool: return "a boolean"
            case .int, .float: return "a number"
            default: return "a string"
            }
        }
    }

    /// True for a scalar YAML reads as null (`~`, `null`, or nothing at all).
    var isNull: Bool {
        if case .scalar = self { return tagName == .null }
        return false
    }

    /// The text of a non-null scalar exactly as written (`8080`, `on` and `"x"` all give their text).
    var scalarText: String? {
        guard case .scalar(let scalar) = self, !isNull else { return nil }
        return scalar.string
    }

    /// The value as YAML types it: plain `8080` is an int, `"8080"` a string, `true` a boolean.
    var configValue: ConfigValue {
        switch self {
        case .scalar(let scalar):
            switch tagName {
            case .null: return .null
            case .bool: return Bool.construct(from: scalar).map(ConfigValue.bool) ?? .string(scalar.string)
            case .int: return Int.construct(from: scalar).map(ConfigValue.int) ?? .string(scalar.string)
            case .float: return Double.construct(from: scalar).map(ConfigValue.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence): return .array(sequence.map(\.configValue))
        case .mapping(let mapping):
            var members: [String: ConfigValue] = [:]
            for (key, value) in mapping { members[key.scalarText ?? ""] = value.configValue }
            return .object(members)
        case .alias: return .null
        }
    }
}
