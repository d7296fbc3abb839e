/// Reads a map of rendered target parameters, noting every problem instead of stopping at the first.
///
/// Each accessor marks its key as known; `finish()` then reports the keys nobody asked for, with a "did you mean"
/// hint, so a misspelt `stage_name` is an error rather than silently ignored. Values are taken the way the rules file
/// and templates produce them: numbers are accepted where text is expected, and `"true"`, `"10"` where a boolean or a
/// number is expected (a template always renders to a string).
struct ParameterReader {
    /// The map's place in the parameters, with a trailing dot (`canary.`), or empty at the top.
    let path: String
    /// Accept a string holding a `${…}` template wherever a rendered string could be valid (for `check`, which sees
    /// the rules before any event renders them).
    let allowsTemplates: Bool
    private let members: [String: ConfigValue]
    private var known: [String] = []
    private(set) var problems: [ParameterProblem] = []

    init(_ value: ConfigValue, path: String = "", allowsTemplates: Bool) {
        self.path = path
        self.allowsTemplates = allowsTemplates
        if case .object(let members) = value {
            self.members = members
        } else {
            self.members = [:]
            let place = path.isEmpty ? "the parameters" : String(path.dropLast())
            problems.append(ParameterProblem(key: path.isEmpty ? nil : place, "\(place) must be a map, found \(Self.shown(value))"))
        }
    }

    var membersKeys: [String] { members.keys.sorted() }

    /// Whether the key is present (and not `null`), marking it known.
    mutating func has(_ key: String) -> Bool {
        value(key) != nil
    }

    /// The raw value of a key, marking it known; `null` counts as absent.
    mutating func value(_ key: String) -> ConfigValue? {
        if !known.contains(key) { known.append(key) }
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    /// Notes a problem about the value at `key` (a full dotted name such as `canary.percent_traffic`; nil for the
    /// parameters as a whole).
    mutating func report(_ problem: String, at key: String?) {
        problems.append(ParameterProblem(key: key, problem))
    }

    /// This map's own name (`canary`), or nil at the top: where a problem of the map as a whole is.
    var owner: String? {
        path.isEmpty ? nil : String(path.dropLast())
    }

    /// The key's full name in messages: `canary.percent_traffic`.
    func name(_ key: String) -> String { path + key }

    /// Reports the keys no accessor asked for. Call once, after reading every key.
    mutating func finish() {
        for key in members.keys.sorted() where !known.contains(key) {
            let hint = suggestion(for: key).map { " (did you mean \($0)?)" } ?? ""
            problems.append(ParameterProblem(key: name(key), "unknown key \(name(key))\(hint)", isAboutTheKey: true))
        }
    }

    /// AWS's member names (in snake case) whose key here is not simply their snake case.
    static let awsNames = [
        "stage_name": "stage", "canary_settings": "canary", "application_name": "application", "deployment_group_name": "deployment_group",
        "deployment_config_name": "deployment_config", "auto_rollback_configuration": "auto_rollback", "s3_location": "s3",
        "git_hub_location": "github", "app_spec_content": "appspec", "commit_id": "commit", "e_tag": "etag", "restapi_id": "rest_api_id",
    ]

    /// A likely meant key: a typo of one (`stgae`), or AWS's name for it in camel or snake case (`stageName`, `cacheClusterSize`).
    private func suggestion(for key: String) -> String? {
        let snake = Self.snakeCase(key)
        if known.contains(snake) { return snake }
        if let meant = Self.awsNames[snake], known.contains(meant) { return meant }
        if snake.hasSuffix("_name"), known.contains(String(snake.dropLast(5))) { return String(snake.dropLast(5)) }
        return NameSuggestion.closest(to: key, in: known)
    }

    /// `cacheClusterSize` → `cache_cluster_size`.
    static func snakeCase(_ key: String) -> String {
        var out = ""
        for character in key {
            if character.isUppercase {
                if !out.isEmpty && !out.hasSuffix("_") { out.append("_") }
                out += character.lowercased()
            } else {
                out.append(character == "-" ? "_" : character)
            }
        }
        return out
    }

    /// Reads the map under `key` with `body`, then takes over its problems. Nil when absent or not a map.
    mutating func map<T>(_ key: String, _ body: (inout ParameterReader) -> T) -> T? {
        guard let value = value(key) else { return nil }
        return read(value, path: name(key), body)
    }

    /// Reads `value` (a map at `path`, without trailing dot) with `body`, then takes over its problems.
    mutating func read<T>(_ value: ConfigValue, path: String, _ body: (inout ParameterReader) -> T) -> T? {
        guard case .object = value else {
            report("\(path) must be a map, found \(Self.shown(value))", at: path)
            return nil
        }
        var child = ParameterReader(value, path: path + ".", allowsTemplates: allowsTemplates)
        let result = body(&child)
        child.finish()
        problems += child.problems
        return result
    }

    /// The elements of the list under `key`, each with its name (`alarms[2]`); nil when absent or not a list.
    mutating func elements(_ key: String) -> [(name: String, value: ConfigValue)]? {
        guard let value = value(key) else { return nil }
        return elements(of: value, name: name(key))
    }

    mutating func elements(of value: ConfigValue, name: String) -> [(name: String, value: ConfigValue)]? {
        guard case .array(let values) = value else {
            report("\(name) must be a list, found \(Self.shown(value))", at: name)
            return nil
        }
        return values.enumerated().map { ("\(name)[\($0.offset)]", $0.element) }
    }

    /// A value as messages show it: strings quoted and cut short, collections by kind.
    static func shown(_ value: ConfigValue) -> String {
        switch value {
        case .string(let text): text.count > 60 ? "\"\(text.prefix(60))…\"" : "\"\(text)\""
        case .array: "a list"
        case .object: "a map"
        case .null: "null"
        case .bool, .int, .double: value.description
        }
    }

    static func isTemplate(_ text: String) -> Bool {
        text.contains("${")
    }
}
