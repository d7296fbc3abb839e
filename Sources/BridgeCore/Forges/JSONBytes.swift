/// A JSON (RFC 8259) reader over UTF-8 bytes that makes no values: it walks objects and arrays, hands out strings
/// as byte ranges, and checks everything, skipped values too (string escapes, surrogate pairs and UTF-8, number
/// syntax, literals, nesting up to `maxDepth`); any syntax error is `PayloadError.malformedJSON`. Used by
/// `PushDocument`, and to read stored documents back (`ConfigValue+JSONRead`).
///
/// It reads what `JSONSerialization` reads, a trailing comma included (`[1,]`, `{"a": 1,}`: both Foundation readers
/// take it). `JSONDecoder`, which read payloads before, checked only the values it decoded: in a field the bridge does
/// not read it took `01`, `1.`, `"\q"`, raw control characters and invalid UTF-8, which are refused here.
struct JSONBytes {
    /// A string's contents, between its quotes; `escaped` when it holds a backslash escape.
    struct StringToken {
        var start: Int
        var end: Int
        var escaped: Bool
    }

    /// Deeper nesting is an error, as in `JSONDecoder`.
    static let maxDepth = 512

    let bytes: UnsafeBufferPointer<UInt8>
    /// The next byte to read.
    var at = 0
    private var depth = 0

    /// A reader at the start of `bytes`.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The next byte, or nil at the end.
    var peek: UInt8? { at < bytes.count ? bytes[at] : nil }

    mutating func skipSpace() {
        while at < bytes.count {
            switch bytes[at] {
            case 0x20, 0x0A, 0x0D, 0x09: at += 1
            default: return
            }
        }
    }

    private mutating func take(_ byte: UInt8) throws(PayloadError) {
        guard at < bytes.count, bytes[at] == byte else { throw .malformedJSON }
        at += 1
    }

    /// Whether `key`'s contents, unescaped, are `name` (ASCII).
    func key(_ key: StringToken, is name: StaticString) -> Bool {
        let expected = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        if !key.escaped { return bytes[key.start..<key.end].elementsEqual(expected) }
        var unescaped: [UInt8] = []
        guard (try? Self.unescape(bytes[key.start..<key.end], into: &unescaped)) != nil else { return false }
        return unescaped.elementsEqual(expected)
    }

    /// A string's contents as text, escapes resolved.
    func text(_ token: StringToken) throws(PayloadError) -> String {
        guard token.escaped else { return String(decoding: UnsafeBufferPointer(rebasing: bytes[token.start..<token.end]), as: UTF8.self) }
        var unescaped: [UInt8] = []
        try Self.unescape(bytes[token.start..<token.end], into: &unescaped)
        return String(decoding: unescaped, as: UTF8.self)
    }

    /// Reads an object at `at` (after any space), calling `member` with each key, the reader at its value; `member`
    /// must read the value. Leaves the reader after the closing brace.
    mutating func object(_ member: (inout JSONBytes, StringToken) throws(PayloadError) -> Void) throws(PayloadError) {
        try items(open: UInt8(ascii: "{"), close: UInt8(ascii: "}")) { (scan) throws(PayloadError) in
            let key = try scan.string()
            scan.skipSpace()
            try scan.take(UInt8(ascii: ":"))
            scan.skipSpace()
            try member(&scan, key)
        }
    }

    /// Reads an array at `at` (after any space), calling `element` with the reader at each element, which it must
    /// read. Leaves the reader after the closing bracket.
    mutating func array(_ element: (inout JSONBytes) throws(PayloadError) -> Void) throws(PayloadError) {
        try items(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), element)
    }

    /// Reads `open`, items separated by commas (a trailing comma too: `[1,]` and `{"a": 1,}`, which Foundation's
    /// readers take), and `close`; `item` reads each, the reader at its first byte.
    private mutating func items(open: UInt8, close: UInt8, _ item: (inout JSONBytes) throws(PayloadError) -> Void) throws(PayloadError) {
        try take(open)
        depth += 1
        guard depth <= Self.maxDepth else { throw .malformedJSON }
        defer { depth -= 1 }
        skipSpace()
        if peek == close {
            at += 1
            return
        }
        while true {
            skipSpace()
            try item(&self)
            skipSpace()
            guard at < bytes.count else { throw .malformedJSON }
            let next = bytes[at]
            at += 1
            if next == close { return }
            guard next == UInt8(ascii: ",") else { throw .malformedJSON }
            skipSpace()
            if peek == close {
                at += 1
                return
            }
        }
    }

    /// Checks and passes over one value of any kind.
    mutating func skipValue() throws(PayloadError) {
        guard at < bytes.count else { throw .malformedJSON }
        switch bytes[at] {
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "{"): try object { (scan, _) throws(PayloadError) in try scan.skipValue() }
        case UInt8(ascii: "["): try array { (scan) throws(PayloadError) in try scan.skipValue() }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    mutating func literal(_ word: StaticString) throws(PayloadError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - at >= count,
            bytes[at..<at + count].elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: count))
        else { throw .malformedJSON }
        at += count
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    mutating func number() throws(PayloadError) {
        if peek == UInt8(ascii: "-") { at += 1 }
        if peek == UInt8(ascii: "0") {
            at += 1
        } else {
            try digits()
        }
        if peek == UInt8(ascii: ".") {
            at += 1
            try digits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            at += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { at += 1 }
            try digits()
        }
    }

    /// One or more decimal digits.
    private mutating func digits() throws(PayloadError) {
        let start = at
        while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { at += 1 }
        guard at > start else { throw .malformedJSON }
    }

    /// Reads a string at `at`: its contents' range, checked (no raw control characters, valid escapes, valid UTF-8).
    mutating func string() throws(PayloadError) -> StringToken {
        try take(UInt8(ascii: "\""))
        let start = at
        var escaped = false
        while true {
            // Eight plain bytes at a time: none a quote, a backslash, a control character or non-ASCII.
            while bytes.count - at >= 8 {
                let word = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + at).loadUnaligned(as: UInt64.self))
                guard !Self.hasSpecialByte(word) else { break }
                at += 8
            }
            guard at < bytes.count else { throw .malformedJSON }
            let byte = bytes[at]
            switch byte {
            case UInt8(ascii: "\""):
                at += 1
                return StringToken(start: start, end: at - 1, escaped: escaped)
            case UInt8(ascii: "\\"):
                escaped = true
                try escape()
            case 0..<0x20:
                throw .malformedJSON
            case 0x80...:
                try utf8Sequence()
            default:
                at += 1
            }
        }
    }

    /// Whether any byte of `word` is `"`, `\`, below 0x20 or above 0x7F (the classic SWAR zero-byte test: exact
    /// about whether there is one, which is all that is asked).
    private static func hasSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        let control = (word &- ones &* 0x20) & ~word
        return (zeroQuote | zeroBackslash | control | word) & highs != 0
    }

    /// Passes over `\x` or `\uXXXX` at `at`.
    private mutating func escape() throws(PayloadError) {
        guard bytes.count - at >= 2 else { throw .malformedJSON }
        switch bytes[at + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            at += 2
        case UInt8(ascii: "u"):
            // A surrogate only in a pair, high then low.
            let unit = try Self.codeUnit(bytes, at: at, end: bytes.count)
            at += 6
            if (0xD800...0xDBFF).contains(unit) {
                guard (0xDC00...0xDFFF).contains(try Self.codeUnit(bytes, at: at, end: bytes.count)) else { throw .malformedJSON }
                at += 6
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw .malformedJSON
            }
        default:
            throw .malformedJSON
        }
    }

    /// Passes over one well-formed multi-byte UTF-8 sequence at `at` (no overlongs, surrogates or values past U+10FFFF).
    private mutating func utf8Sequence() throws(PayloadError) {
        let lead = bytes[at]
        let count: Int
        var second: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: count = 2
        case 0xE0: count = 3; second = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: count = 3
        case 0xED: count = 3; second = 0x80...0x9F
        case 0xF0: count = 4; second = 0x90...0xBF
        case 0xF1...0xF3: count = 4
        case 0xF4: count = 4; second = 0x80...0x8F
        default: throw .malformedJSON
        }
        guard bytes.count - at >= count, second.contains(bytes[at + 1]),
            bytes[at + 2..<at + count].allSatisfy({ $0 & 0xC0 == 0x80 })
        else { throw .malformedJSON }
        at += count
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// The code unit of the `\uXXXX` escape at `index` (before `end`).
    private static func codeUnit(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) throws(PayloadError) -> UInt32 {
        guard end - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
            throw .malformedJSON
        }
        var value: UInt32 = 0
        for byte in bytes[index + 2..<index + 6] {
            guard let digit = hexValue(byte) else { throw .malformedJSON }
            value = value << 4 | digit
        }
        return value
    }

    /// Appends the UTF-8 of a string's contents (already checked by `string()`) to `out`, escapes resolved; a `\u`
    /// escape of half a surrogate pair without its other half is an error, as in `JSONDecoder`.
    static func unescape(_ contents: Slice<UnsafeBufferPointer<UInt8>>, into out: inout [UInt8]) throws(PayloadError) {
        var index = contents.startIndex
        let base = contents.base
        while index < contents.endIndex {
            let byte = base[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < contents.endIndex else {
                out.append(byte)
                index += 1
                continue
            }
            let simple: UInt8? =
                switch base[index + 1] {
                case UInt8(ascii: "b"): 0x08
                case UInt8(ascii: "f"): 0x0C
                case UInt8(ascii: "n"): 0x0A
                case UInt8(ascii: "r"): 0x0D
                case UInt8(ascii: "t"): 0x09
                case UInt8(ascii: "u"): nil
                default: base[index + 1]
                }
            if let simple {
                out.append(simple)
                index += 2
                continue
            }
            var value = try codeUnit(base, at: index, end: contents.endIndex)
            index += 6
            if (0xD800...0xDBFF).contains(value) {
                let low = try codeUnit(base, at: index, end: contents.endIndex)
                guard (0xDC00...0xDFFF).contains(low) else { throw .malformedJSON }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                index += 6
            }
            guard let scalar = Unicode.Scalar(value) else { throw .malformedJSON }
            out.append(contentsOf: UTF8.encode(scalar)!)
        }
    }
}
