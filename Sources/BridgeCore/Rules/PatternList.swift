/// A list of globs where entries starting with `!` exclude, compiled once.
///
/// A value matches when (the list has no include pattern, or the value matches one of them) and it matches no
/// exclude. So `[]` matches everything, `["!docs/**"]` everything but `docs/…`, and `["main", "release/*"]` those
/// two shapes only. `\!` at the start of an entry is a literal `!`.
public struct PatternList: Sendable, Hashable, CustomStringConvertible {
    /// The patterns as written, in order.
    public let patterns: [String]
    let includes: [Glob]
    let excludes: [Glob]

    /// Compiles patterns leniently (malformed classes match literally); the loader validates them first with `validate`.
    public init(_ patterns: [String]) {
        self.patterns = patterns
        var includes: [Glob] = []
        var excludes: [Glob] = []
        for entry in patterns {
            switch Self.split(entry) {
            case .include(let pattern): includes.append(Glob(lenient: pattern))
            case .exclude(let pattern): excludes.append(Glob(lenient: pattern))
            }
        }
        self.includes = includes
        self.excludes = excludes
    }

    /// Why an entry of a pattern list is malformed; nil when it is fine.
    public static func validate(_ entry: String) -> String? {
        let pattern: String
        switch split(entry) {
        case .include(let text): pattern = text
        case .exclude(let text):
            if text.isEmpty { return "empty exclude pattern: write !<glob>" }
            pattern = text
        }
        do {
            _ = try Glob(pattern)
            return nil
        } catch {
            return error.description
        }
    }

    /// True when the list has no pattern at all.
    public var isEmpty: Bool { patterns.isEmpty }

    /// Whether `value` passes the list.
    public func matches(_ value: String) -> Bool {
        (includes.isEmpty || includes.contains { $0.matches(value) }) && !excludes.contains { $0.matches(value) }
    }

    /// Whether the UTF-8 `value` passes the list; a value no include could match is refused without making a `String`.
    func matches(utf8 value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard includes.isEmpty || includes.contains(where: { $0.mightMatch(utf8: value) }) else { return false }
        return matches(String(decoding: value, as: UTF8.self))
    }

    /// `[main, release/*, !release/old]`
    public var description: String { "[" + patterns.joined(separator: ", ") + "]" }

    private enum Entry {
        case include(String)
        case exclude(String)
    }

    private static func split(_ entry: String) -> Entry {
        if entry.hasPrefix("!") { return .exclude(String(entry.dropFirst())) }
        // `\!` keeps a leading `!` literal; the glob compiler reads `\!` as `!` itself.
        return .include(entry)
    }
}
