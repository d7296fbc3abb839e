/// The members of one JSON object, each value kept as the range of its bytes, read by name and type: a few fields of a
/// payload without `JSONDecoder`, which makes a container, a coding path and an allocation per member it passes
/// (GitHub's push: 5% of the intake's CPU, BENCHMARKS.md eighth session).
///
/// Errors are those `JSONPayload.decode` gives for the same document and a `Decodable` struct reading the fields in
/// the same order: a required field absent or null is `missingField`, a value of another type `invalidField`, both
/// named by dotted path (`repository.full_name`); a document that is not JSON is `malformedJSON`, one whose top level is
/// not an object `invalidField("payload")`. Of a key given twice, the first value counts, as in `JSONDecoder`.
struct JSONFields {
    private let bytes: UnsafeBufferPointer<UInt8>
    /// The object's dotted path; empty at the top level.
    private let path: String
    private var members: [(key: JSONBytes.StringToken, value: Range<Int>)] = []

    /// The document `bytes`, whose top level must be an object.
    init(document bytes: UnsafeBufferPointer<UInt8>) throws(PayloadError) {
        var scan = JSONBytes(bytes)
        scan.skipSpace()
        guard scan.peek == UInt8(ascii: "{") else {
            try scan.skipValue()
            scan.skipSpace()
            guard scan.at == bytes.count else { throw .malformedJSON }
            throw .invalidField("payload")
        }
        try self.init(bytes, at: &scan, path: "")
        scan.skipSpace()
        guard scan.at == bytes.count else { throw .malformedJSON }
    }

    /// The object at `scan`, which is left after it.
    private init(_ bytes: UnsafeBufferPointer<UInt8>, at scan: inout JSONBytes, path: String) throws(PayloadError) {
        self.bytes = bytes
        self.path = path
        var members: [(key: JSONBytes.StringToken, value: Range<Int>)] = []
        try scan.object { (scan, key) throws(PayloadError) in
            let start = scan.at
            try scan.skipValue()
            members.append((key, start..<scan.at))
        }
        self.members = members
    }

    /// A required string.
    func string(_ name: StaticString) throws(PayloadError) -> String {
        guard let value = try optionalString(name) else { throw .missingField(path(name)) }
        return value
    }

    /// A string, nil when absent or null.
    func optionalString(_ name: StaticString) throws(PayloadError) -> String? {
        guard var scan = value(name) else { return nil }
        guard scan.peek == UInt8(ascii: "\"") else { throw .invalidField(path(name)) }
        return try scan.text(scan.string())
    }

    /// A string or an integer, as a string (`LenientString`); nil when absent or null. (An integer written with a
    /// fraction or an exponent, `1.0` or `1e3`, is `invalidField` here.)
    func optionalLenientString(_ name: StaticString) throws(PayloadError) -> String? {
        guard let member = member(name) else { return nil }
        var scan = member.scan
        if scan.peek == UInt8(ascii: "\"") { return try scan.text(scan.string()) }
        guard let number = Int64(String(decoding: UnsafeBufferPointer(rebasing: bytes[member.range]), as: UTF8.self)) else {
            throw .invalidField(path(name))
        }
        return String(number)
    }

    /// A boolean, nil when absent or null.
    func optionalBool(_ name: StaticString) throws(PayloadError) -> Bool? {
        guard let scan = value(name) else { return nil }
        switch scan.peek {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: throw .invalidField(path(name))
        }
    }

    /// A required object.
    func object(_ name: StaticString) throws(PayloadError) -> JSONFields {
        guard let object = try optionalObject(name) else { throw .missingField(path(name)) }
        return object
    }

    /// An object, nil when absent or null.
    func optionalObject(_ name: StaticString) throws(PayloadError) -> JSONFields? {
        guard var scan = value(name) else { return nil }
        guard scan.peek == UInt8(ascii: "{") else { throw .invalidField(path(name)) }
        return try JSONFields(bytes, at: &scan, path: path(name))
    }

    /// A reader at the first value of `name`, nil when there is none or it is null.
    private func value(_ name: StaticString) -> JSONBytes? {
        member(name)?.scan
    }

    /// A reader at the first value of `name` and that value's range, nil when there is none or it is null.
    private func member(_ name: StaticString) -> (scan: JSONBytes, range: Range<Int>)? {
        var scan = JSONBytes(bytes)
        guard let member = members.first(where: { scan.key($0.key, is: name) }) else { return nil }
        scan.at = member.value.lowerBound
        return scan.peek == UInt8(ascii: "n") ? nil : (scan, member.value)
    }

    private func path(_ name: StaticString) -> String {
        path.isEmpty ? "\(name)" : "\(path).\(name)"
    }
}
