/// Reading back what `ConfigValue.jsonText` wrote (a step's parameters, a run's event and report, as stored), without
/// `JSONDecoder`, which cost a claim more than the rest of reading its row. Each reader accepts and refuses what
/// `JSONDecoder` does for the same type, with the same values (`StoredJSONReadTests` compares them).
extension ConfigValue {
    /// `text` read as `JSONDecoder` decodes a `ConfigValue` (`init(from:)`): `null`, a boolean, an integer (a number
    /// `Int` holds exactly, `1.0` and `1e3` included), else a double (a finite one), a string, an array, an object (of a
    /// repeated key, the first value). Any syntax error, or anything after the value, is `PayloadError.malformedJSON`.
    public init(jsonText text: String) throws(PayloadError) {
        var text = text
        let read = text.withUTF8 { bytes -> Result<ConfigValue, PayloadError> in
            var scan = JSONBytes(bytes)
            do throws(PayloadError) {
                scan.skipSpace()
                let value = try scan.configValue()
                scan.skipSpace()
                guard scan.peek == nil else { throw .malformedJSON }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        self = try read.get()
    }
}

extension JSONBytes {
    /// The value at `at` as a `ConfigValue`; leaves the reader after it.
    mutating func configValue() throws(PayloadError) -> ConfigValue {
        guard let first = peek else { throw .malformedJSON }
        switch first {
        case UInt8(ascii: "\""):
            return .string(try text(string()))
        case UInt8(ascii: "{"):
            var members: [String: ConfigValue] = [:]
            try object { (scan, key) throws(PayloadError) in
                let name = try scan.text(key)
                let value = try scan.configValue()
                if members[name] == nil { members[name] = value }
            }
            return .object(members)
        case UInt8(ascii: "["):
            var values: [ConfigValue] = []
            try array { (scan) throws(PayloadError) in values.append(try scan.configValue()) }
            return .array(values)
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            let start = at
            try number()
            let digits = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
            if let integer = Int(digits) { return .int(integer) }
            // Beyond a double's range (`1e400`) JSONDecoder refuses the number.
            guard let double = Double(digits), double.isFinite else { throw .malformedJSON }
            // JSONDecoder reads an integral number written with a fraction or an exponent as an Int when one holds it.
            if double.rounded() == double, let integer = Int(exactly: double) { return .int(integer) }
            return .double(double)
        }
    }
}

extension ConfigValue {
    /// The members of an object; `invalidField(path)` for anything else.
    fileprivate func members(_ path: String) throws(PayloadError) -> [String: ConfigValue] {
        guard case .object(let members) = self else { throw .invalidField(path) }
        return members
    }
}

extension [String: ConfigValue] {
    /// A member `cast` reads, nil when absent or null (`decodeIfPresent`); `invalidField` when `cast` cannot.
    fileprivate func optional<T>(_ key: String, _ cast: (ConfigValue) -> T?) throws(PayloadError) -> T? {
        guard let value = self[key], value != .null else { return nil }
        guard let read = cast(value) else { throw .invalidField(key) }
        return read
    }

    /// A required member (`decode`: absent or null is `missingField`).
    fileprivate func required<T>(_ key: String, _ cast: (ConfigValue) -> T?) throws(PayloadError) -> T {
        guard let value = try optional(key, cast) else { throw .missingField(key) }
        return value
    }

    fileprivate func optionalString(_ key: String) throws(PayloadError) -> String? { try optional(key, \.stringValue) }
    fileprivate func string(_ key: String) throws(PayloadError) -> String { try required(key, \.stringValue) }
    fileprivate func optionalBool(_ key: String) throws(PayloadError) -> Bool? { try optional(key, \.boolValue) }
    fileprivate func bool(_ key: String) throws(PayloadError) -> Bool { try required(key, \.boolValue) }

    fileprivate func optionalInt(_ key: String) throws(PayloadError) -> Int? {
        try optional(key) { value in
            guard case .int(let integer) = value else { return nil }
            return integer
        }
    }

    /// A required array of strings.
    fileprivate func strings(_ key: String) throws(PayloadError) -> [String] {
        try required(key) { value in
            guard let values = value.arrayValue else { return nil }
            let strings = values.compactMap(\.stringValue)
            return strings.count == values.count ? strings : nil
        }
    }

    /// A required string member naming a case of `T`.
    fileprivate func value<T: RawRepresentable>(_ type: T.Type, _ key: String) throws(PayloadError) -> T where T.RawValue == String {
        try required(key) { value in value.stringValue.flatMap(T.init(rawValue:)) }
    }
}

extension PushEvent {
    /// The event stored as `configValue`'s JSON, read as `JSONDecoder` reads a `PushEvent`.
    public init(storedJSON text: String) throws(PayloadError) {
        let members = try ConfigValue(jsonText: text).members("event")
        self.init(
            forge: try members.value(Forge.self, "forge"), repository: try members.string("repository"),
            refKind: try members.value(RefKind.self, "refKind"), refName: try members.string("refName"), sha: try members.string("sha"),
            before: try members.optionalString("before"), created: try members.bool("created"), deleted: try members.bool("deleted"),
            forced: try members.bool("forced"), changedPaths: ChangedPaths(try members.strings("changedPaths")),
            pathsTruncated: try members.bool("pathsTruncated"), pusher: try members.string("pusher"),
            cloneURL: try members.string("cloneURL"), projectID: try members.optionalString("projectID"))
        pathsOmitted = try members.optionalInt("pathsOmitted")
    }
}

extension RunReport {
    /// The report stored as `configValue`'s JSON, read as `JSONDecoder` reads a `RunReport`.
    public init(storedJSON text: String) throws(PayloadError) {
        let members = try ConfigValue(jsonText: text).members("report")
        self.init(
            reporters: try members.strings("reporters"), environmentURL: try members.optionalString("environmentURL"),
            production: try members.optionalBool("production"), transient: try members.optionalBool("transient"))
    }
}
