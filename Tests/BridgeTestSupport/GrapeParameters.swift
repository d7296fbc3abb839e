import BridgeCore

/// Reads declared parameters the way Grape validates them, collecting its messages in declaration order:
/// `environment is missing, status does not have a valid value`.
struct GrapeParameters {
    var values: [String: ConfigValue]
    private(set) var errors: [String] = []

    init(_ values: [String: ConfigValue]) {
        self.values = values
    }

    /// The message GitLab answers with when any parameter failed.
    var message: String { errors.joined(separator: ", ") }

    /// A `requires :name, type: String`: numbers and booleans are coerced, arrays and objects are invalid.
    mutating func string(_ name: String) -> String? {
        switch values[name] {
        case nil, .null:
            errors.append("\(name) is missing")
            return nil
        case .string(let text):
            return text
        case .int, .double, .bool:
            return values[name]?.description
        case .array, .object:
            errors.append("\(name) is invalid")
            return nil
        }
    }

    /// A `requires :name, type: Boolean`: JSON booleans, and the strings and numbers Grape coerces.
    mutating func bool(_ name: String) -> Bool? {
        switch values[name] {
        case nil, .null:
            errors.append("\(name) is missing")
            return nil
        case .bool(let value):
            return value
        case .string(let text) where ["true", "1", "t", "yes"].contains(text.lowercased()):
            return true
        case .string(let text) where ["false", "0", "f", "no"].contains(text.lowercased()):
            return false
        case .int(let value) where value == 0 || value == 1:
            return value == 1
        default:
            errors.append("\(name) is invalid")
            return nil
        }
    }

    /// A `requires :name, type: String, values: [...]`.
    mutating func status(_ name: String, allowed: [GitLabFake.Status]) -> GitLabFake.Status? {
        guard let text = string(name) else { return nil }
        guard let status = GitLabFake.Status(rawValue: text), allowed.contains(status) else {
            errors.append("\(name) does not have a valid value")
            return nil
        }
        return status
    }

    /// Notes a value Grape refuses: one it cannot coerce (`is invalid`), or one not among its `values:` (`does not have
    /// a valid value`).
    mutating func refuse(_ name: String, notAllowed: Bool) {
        errors.append(notAllowed ? "\(name) does not have a valid value" : "\(name) is invalid")
    }

    /// An `optional :name, type: String, values: [...]` filter.
    mutating func optionalStatus(_ name: String) -> GitLabFake.Status? {
        guard values[name] != nil else { return nil }
        return status(name, allowed: GitLabFake.Status.allCases)
    }
}
