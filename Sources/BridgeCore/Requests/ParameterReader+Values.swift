import Foundation

extension ParameterReader {
    /// A string (a number is taken as its text). Nil when absent or not text; an empty string is reported unless
    /// `allowEmpty`.
    mutating func string(_ key: String, allowEmpty: Bool = false) -> String? {
        guard let value = value(key) else { return nil }
        return text(value, name: name(key), allowEmpty: allowEmpty)
    }

    /// A string the request cannot do without.
    mutating func requiredString(_ key: String, allowEmpty: Bool = false) -> String? {
        guard has(key) else {
            report("missing required key \(name(key))", at: owner)
            return nil
        }
        return string(key, allowEmpty: allowEmpty)
    }

    mutating func text(_ value: ConfigValue, name: String, allowEmpty: Bool = false) -> String? {
        let text: String
        switch value {
        case .string(let string): text = string
        case .int(let number): text = String(number)
        case .double(let number): text = Self.numberText(number)
        case .null, .bool, .array, .object:
            report("\(name) must be a string, found \(Self.shown(value))", at: name)
            return nil
        }
        if text.isEmpty && !allowEmpty {
            report("\(name) must not be empty", at: name)
            return nil
        }
        return text
    }

    /// A string made only of the characters `allowed` accepts, described by `what` in the message.
    mutating func identifier(
        _ key: String, required: Bool = false, what: String, allowed: (Unicode.Scalar) -> Bool
    ) -> String? {
        guard let text = required ? requiredString(key) : string(key) else { return nil }
        if allowsTemplates && Self.isTemplate(text) { return text }
        guard text.unicodeScalars.allSatisfy(allowed) else {
            report("\(name(key)) must be \(what), found \(Self.shown(.string(text)))", at: name(key))
            return nil
        }
        return text
    }

    /// `true`/`false`, or the strings `"true"`/`"false"`.
    mutating func bool(_ key: String) -> Bool? {
        guard let value = value(key) else { return nil }
        switch value {
        case .bool(let flag): return flag
        case .string("true"): return true
        case .string("false"): return false
        case .string(let text) where allowsTemplates && Self.isTemplate(text): return nil
        default:
            report("\(name(key)) must be true or false, found \(Self.shown(value))", at: name(key))
            return nil
        }
    }

    /// A duration such as `30s`, `5m`, `3h` or `1h30m` (`Duration(configText:)`), or a template where it could render
    /// to one.
    mutating func duration(_ key: String) -> Duration? {
        guard let text = string(key) else { return nil }
        if allowsTemplates && Self.isTemplate(text) { return nil }
        guard let duration = Duration(configText: text) else {
            report("\(name(key)) must be a duration such as 30s, 5m, 3h or 1h30m, found \(Self.shown(.string(text)))", at: name(key))
            return nil
        }
        return duration
    }

    /// A number within `range` (a numeric string is accepted).
    mutating func number(_ key: String, in range: ClosedRange<Double>) -> Double? {
        guard let value = value(key) else { return nil }
        let number: Double?
        switch value {
        case .int(let integer): number = Double(integer)
        case .double(let double): number = double
        case .string(let text) where allowsTemplates && Self.isTemplate(text): return nil
        case .string(let text): number = Double(text.trimmingCharacters(in: .whitespaces))
        default: number = nil
        }
        guard let number, number.isFinite, range.contains(number) else {
            let bounds = "from \(Self.numberText(range.lowerBound)) to \(Self.numberText(range.upperBound))"
            report("\(name(key)) must be a number \(bounds), found \(Self.shown(value))", at: name(key))
            return nil
        }
        return number
    }

    /// One of `allowed`, compared exactly (a number is taken as its text: `cache_cluster_size: 0.5`).
    mutating func oneOf(_ key: String, _ allowed: [String]) -> String? {
        guard let value = value(key) else { return nil }
        return oneOf(value, name: name(key), allowed)
    }

    mutating func oneOf(_ value: ConfigValue, name: String, _ allowed: [String]) -> String? {
        guard let text = text(value, name: name, allowEmpty: true) else { return nil }
        if allowsTemplates && Self.isTemplate(text) { return text }
        guard allowed.contains(text) else {
            report("\(name) must be one of \(allowed.joined(separator: ", ")), found \(Self.shown(.string(text)))", at: name)
            return nil
        }
        return text
    }

    /// A non-empty list of non-empty strings.
    mutating func stringList(_ key: String) -> [String]? {
        guard let elements = elements(key) else { return nil }
        if elements.isEmpty { report("\(name(key)) must not be an empty list", at: name(key)) }
        let texts = elements.compactMap { text($0.value, name: $0.name) }
        return texts.count == elements.count ? texts : nil
    }

    /// A map of string to string whose names satisfy `validName` (described by `what`).
    mutating func stringMap(_ key: String, names what: String, validName: (String) -> Bool) -> [String: String]? {
        guard let value = value(key) else { return nil }
        guard case .object(let members) = value else {
            report("\(name(key)) must be a map of name to string, found \(Self.shown(value))", at: name(key))
            return nil
        }
        var result: [String: String] = [:]
        for (entry, member) in members.sorted(by: { $0.key < $1.key }) {
            if !validName(entry) { report("\(name(key)): '\(entry)' is not a valid name (\(what))", at: "\(name(key)).\(entry)") }
            if let text = text(member, name: "\(name(key)).\(entry)", allowEmpty: true) { result[entry] = text }
        }
        return result
    }

    /// A secret reference (`env:NAME`, `file:/path`). The rules loader refuses anything else in secret-named keys and
    /// says so, so `check` does not say it twice; a rendered value that is not a reference is reported (without the
    /// value).
    mutating func secretReference(_ key: String) -> SecretReference? {
        guard let text = string(key) else { return nil }
        if allowsTemplates { return SecretReference(text) }
        guard let reference = SecretReference(text) else {
            report("\(name(key)) must be a secret reference (env:NAME or file:/path); the value is not shown", at: name(key))
            return nil
        }
        return reference
    }

    /// `1.5` as "1.5" and `118.0` as "118", as a person would write them.
    static func numberText(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
        return String(number)
    }
}

extension ParameterReader {
    /// `http(s)://host[:port]` with at most a trailing slash: the URL without it, and its authority.
    mutating func endpoint(_ text: String, key: String) -> (url: String, host: String)? {
        if allowsTemplates && Self.isTemplate(text) { return (text, text) }
        var rest = Substring(text)
        guard let scheme = ["https://", "http://"].first(where: { rest.hasPrefix($0) }) else {
            report("\(name(key)) must start with https:// or http://, found \(Self.shown(.string(text)))", at: name(key))
            return nil
        }
        rest = rest.dropFirst(scheme.count)
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
        guard !rest.isEmpty, rest.allSatisfy({ allowed.contains($0) }) else {
            report(
                "\(name(key)) must be a scheme and a host with an optional port and no path, such as http://127.0.0.1:5000, found "
                    + Self.shown(.string(text)), at: name(key))
            return nil
        }
        return (scheme + rest, String(rest))
    }
}

extension ParameterReader {
    /// The map's keys, sorted.
    var keys: [String] { membersKeys }

    /// `http(s)://host[:port][/path]` without query or fragment: the URL without a trailing slash.
    mutating func baseURL(_ text: String, key: String) -> String? {
        if allowsTemplates && Self.isTemplate(text) { return text }
        let scheme = ["https://", "http://"].first { text.hasPrefix($0) }
        let rest = scheme.map { text.dropFirst($0.count) } ?? ""
        let host = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard scheme != nil, !host.isEmpty, !text.contains("?"), !text.contains("#"), !text.contains(" ") else {
            report(
                "\(name(key)) must be an http:// or https:// URL with a host, such as https://api.pulumi.example.com, found \(Self.shown(.string(text)))",
                at: name(key))
            return nil
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }
}

extension Unicode.Scalar {
    /// `A-Z a-z 0-9`.
    var isASCIIAlphanumeric: Bool {
        isASCII && (properties.isAlphabetic || ("0"..."9").contains(self))
    }
}
