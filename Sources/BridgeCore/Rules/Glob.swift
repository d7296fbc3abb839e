/// Why a glob pattern cannot be compiled.
public struct GlobError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the pattern.
    public var description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}

/// A compiled glob over `/`-separated names: branches, tags, repositories, changed paths.
///
/// `*` matches within one segment (never `/`), `**` across segments (`**/` also matches no segment at all),
/// `?` one character other than `/`, `[abc]`, `[a-z]`, `[!abc]` one character of (or not of) a class, and
/// `\x` the character `x` literally. Matching is case-sensitive and anchored at both ends.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    enum Token: Sendable, Hashable {
        case literal(Unicode.Scalar)
        /// `?`
        case any
        /// `*`
        case star
        /// `**` not followed by `/`
        case globstar
        /// `**/`: zero or more whole segments
        case globstarSlash
        case characterClass(CharacterClass)
    }

    struct CharacterClass: Sendable, Hashable {
        var negated: Bool
        var ranges: [ClosedRange<Unicode.Scalar>]

        func contains(_ scalar: Unicode.Scalar) -> Bool {
            ranges.contains { $0.contains(scalar) } != negated
        }
    }

    /// The pattern as written.
    public let pattern: String
    let tokens: [Token]
    /// The UTF-8 of the literal characters the pattern starts and ends with (`api/` and `.go` in `api/**/*.go`):
    /// text that lacks them is refused before the table is built, as most changed paths are by a path filter.
    private let head: [UInt8]
    private let tail: [UInt8]

    /// Compiles a pattern; throws on an empty pattern, an unterminated `[` class or a trailing `\`.
    public init(_ pattern: String) throws(GlobError) {
        var compiler = GlobCompiler(pattern: pattern, strict: true)
        self.init(pattern: pattern, tokens: try compiler.compile())
    }

    private init(pattern: String, tokens: [Token]) {
        self.pattern = pattern
        self.tokens = tokens
        func literals(_ tokens: some Sequence<Token>) -> [Unicode.Scalar] {
            var scalars: [Unicode.Scalar] = []
            for case .literal(let scalar) in tokens.lazy.prefix(while: { if case .literal = $0 { true } else { false } }) {
                scalars.append(scalar)
            }
            return scalars
        }
        head = Array(String(String.UnicodeScalarView(literals(tokens))).utf8)
        tail = Array(String(String.UnicodeScalarView(literals(tokens.reversed()).reversed())).utf8)
    }

    /// Compiles a pattern leniently: malformed classes and escapes match themselves literally.
    init(lenient pattern: String) {
        var compiler = GlobCompiler(pattern: pattern, strict: false)
        do {
            self.init(pattern: pattern, tokens: try compiler.compile())
        } catch {
            self.init(pattern: pattern, tokens: pattern.unicodeScalars.map(Token.literal))
        }
    }

    /// The pattern as written.
    public var description: String { pattern }

    /// Whether `utf8` starts and ends with the pattern's literal head and tail, which every match does.
    func mightMatch(utf8: some BidirectionalCollection<UInt8>) -> Bool {
        utf8.count >= max(head.count, tail.count) && utf8.starts(with: head) && utf8.suffix(tail.count).elementsEqual(tail)
    }

    /// Whether the whole of `text` matches the pattern.
    public func matches(_ text: String) -> Bool {
        guard mightMatch(utf8: text.utf8) else { return false }
        let input = Array(text.unicodeScalars)
        let width = input.count + 1
        // matched[t * width + s]: tokens[t...] match input[s...]. Filled from the end, so no recursion or backtracking.
        var matched = [Bool](repeating: false, count: (tokens.count + 1) * width)
        matched[tokens.count * width + input.count] = true
        for t in stride(from: tokens.count - 1, through: 0, by: -1) {
            var wholeSegmentsAhead = false
            for s in stride(from: input.count, through: 0, by: -1) {
                let next = matched[(t + 1) * width + s]
                let nextAfterOne = s < input.count && matched[(t + 1) * width + s + 1]
                let here = s < input.count ? input[s] : nil
                let result: Bool
                switch tokens[t] {
                case .literal(let scalar): result = here == scalar && nextAfterOne
                case .any: result = here != nil && here != "/" && nextAfterOne
                case .star: result = next || (here != nil && here != "/" && matched[t * width + s + 1])
                case .globstar: result = next || (here != nil && matched[t * width + s + 1])
                case .globstarSlash:
                    wholeSegmentsAhead = wholeSegmentsAhead || (here == "/" && nextAfterOne)
                    result = next || wholeSegmentsAhead
                case .characterClass(let characterClass):
                    result = here.map { $0 != "/" && characterClass.contains($0) } == true && nextAfterOne
                }
                matched[t * width + s] = result
            }
        }
        return matched[0]
    }
}

/// Turns a pattern into glob tokens.
private struct GlobCompiler {
    let scalars: [Unicode.Scalar]
    let strict: Bool
    var index = 0

    init(pattern: String, strict: Bool) {
        self.scalars = Array(pattern.unicodeScalars)
        self.strict = strict
    }

    mutating func compile() throws(GlobError) -> [Glob.Token] {
        if scalars.isEmpty && strict { throw GlobError("empty pattern") }
        var tokens: [Glob.Token] = []
        while index < scalars.count {
            tokens.append(try nextToken())
        }
        return tokens
    }

    private mutating func nextToken() throws(GlobError) -> Glob.Token {
        let scalar = scalars[index]
        index += 1
        switch scalar {
        case "?": return .any
        case "*": return starToken()
        case "[": return try classToken()
        case "\\":
            guard index < scalars.count else {
                if strict { throw GlobError("pattern ends with a lone \\ (write \\\\ for a backslash)") }
                return .literal("\\")
            }
            index += 1
            return .literal(scalars[index - 1])
        default: return .literal(scalar)
        }
    }

    private mutating func starToken() -> Glob.Token {
        guard index < scalars.count, scalars[index] == "*" else { return .star }
        index += 1
        while index < scalars.count, scalars[index] == "*" { index += 1 }
        guard index < scalars.count, scalars[index] == "/" else { return .globstar }
        index += 1
        return .globstarSlash
    }

    private mutating func classToken() throws(GlobError) -> Glob.Token {
        let start = index
        var negated = false
        if index < scalars.count, scalars[index] == "!" || scalars[index] == "^" {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        var first = true
        while index < scalars.count, scalars[index] != "]" || first {
            first = false
            var low = scalars[index]
            if low == "\\", index + 1 < scalars.count {
                index += 1
                low = scalars[index]
            }
            index += 1
            if index + 1 < scalars.count, scalars[index] == "-", scalars[index + 1] != "]" {
                let high = scalars[index + 1]
                index += 2
                guard low <= high else { throw GlobError("character class range \(low)-\(high) is reversed") }
                ranges.append(low...high)
            } else {
                ranges.append(low...low)
            }
        }
        guard index < scalars.count else {
            if strict { throw GlobError("unterminated [ character class (write \\[ for a literal [)") }
            index = start
            return .literal("[")
        }
        index += 1
        return .characterClass(.init(negated: negated, ranges: ranges))
    }
}
