/// The profiles of AWS's shared `credentials` and `config` files, parsed from their text.
///
/// The format is botocore's (`botocore/configloader.py`, Python's `RawConfigParser`): `[section]` headers,
/// `key = value` or `key: value` lines, whole-line comments starting with `#` or `;`, and indented continuation
/// lines (nested settings such as `s3 =` followed by `  max_concurrent_requests = 10`), which are kept as text.
/// Keys are lowercased, values trimmed, section names kept as written. Inline comments are not stripped: botocore
/// keeps `value # note` whole, and so does this parser. A section given twice is merged, later keys winning.
///
/// In the credentials file every section is a profile. In the config file `[default]` and `[profile name]` are
/// profiles; any other section (`[sso-session x]`, `[services x]`, a bare `[x]`) is not
/// (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html).
public struct AWSSharedConfig: Sendable, Hashable {
    /// Which of the two files the text comes from: they name their profile sections differently.
    public enum FileKind: Sendable, Hashable {
        case credentials
        case config
    }

    /// Profile name → its settings (lowercased keys).
    public var profiles: [String: [String: String]]

    public init(profiles: [String: [String: String]] = [:]) {
        self.profiles = profiles
    }

    /// Parses the text of a shared file. Lines that are neither a section, a setting, a continuation nor a
    /// comment are ignored, as is anything before the first section.
    public init(parsing text: String, kind: FileKind) {
        var sections: [(name: String, settings: [String: String])] = []
        var lastKey: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            let indented = rawLine.first == " " || rawLine.first == "\t"
            if indented, let key = lastKey, !sections.isEmpty {
                let previous = sections[sections.count - 1].settings[key] ?? ""
                sections[sections.count - 1].settings[key] = previous.isEmpty ? line : previous + "\n" + line
                continue
            }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                sections.append((String(line.dropFirst().dropLast()).trimmingWhitespace(), [:]))
                lastKey = nil
                continue
            }
            guard !sections.isEmpty, let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                lastKey = nil
                continue
            }
            let key = line[..<separator].trimmingWhitespace().lowercased()
            let value = line[line.index(after: separator)...].trimmingWhitespace()
            sections[sections.count - 1].settings[key] = value
            lastKey = key
        }
        var profiles: [String: [String: String]] = [:]
        for section in sections {
            guard let name = Self.profileName(section: section.name, kind: kind) else { continue }
            profiles[name, default: [:]].merge(section.settings) { $1 }
        }
        self.profiles = profiles
    }

    /// The profile a section header names, or nil when the section is not a profile.
    static func profileName(section: String, kind: FileKind) -> String? {
        switch kind {
        case .credentials:
            return section.isEmpty ? nil : section
        case .config:
            if section == "default" { return section }
            let words = section.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count == 2, words[0] == "profile" else { return nil }
            return String(words[1])
        }
    }

    /// The settings of `profile`, or nil when the file has no such profile.
    public subscript(profile: String) -> [String: String]? {
        profiles[profile]
    }
}

extension StringProtocol {
    fileprivate func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
