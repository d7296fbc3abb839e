/// Compact JSON text of a value, keys sorted (equal values give equal text), `/` unescaped.
///
/// Written by hand because it runs for every webhook answer and every recorded run and step, where
/// `JSONEncoder`'s generic machinery cost about a tenth of the intake CPU (bench/intake, perf).
extension ConfigValue {
    /// The value as JSON text. Non-finite doubles, which JSON cannot represent, are written as `null`.
    public var jsonText: String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Written as UTF-8 bytes: appending to a `String` scalar by scalar cost a tenth of the intake CPU (issue 14, perf).
    private func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): out.append(contentsOf: String(value).utf8)
        case .double(let value): out.append(contentsOf: (value.isFinite ? String(value) : "null").utf8)
        case .string(let value): Self.writeString(value, into: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                members[key]?.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259 §7).
    ///
    /// Works on the UTF-8 bytes: every byte to escape is ASCII, and no byte of a multi-byte UTF-8 sequence is, so
    /// the text between escapes is copied as it is.
    private static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most texts need no escape: then they are copied whole rather than byte by byte.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                out.append(contentsOf: [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension PushEvent {
    /// The event as stored, a `ConfigValue` with the same keys as its `Codable` form, so `JSONDecoder` reads it back:
    /// its first `storedPathLimit` changed paths, and how many more there were in `pathsOmitted`.
    public var configValue: ConfigValue {
        let kept = changedPaths.prefix(Self.storedPathLimit)
        let omitted = (pathsOmitted ?? 0) + changedPaths.count - kept.count
        var members: [String: ConfigValue] = [
            "forge": .string(forge.rawValue), "repository": .string(repository), "refKind": .string(refKind.rawValue),
            "refName": .string(refName), "sha": .string(sha), "created": .bool(created), "deleted": .bool(deleted),
            "forced": .bool(forced), "changedPaths": .array(kept.map(ConfigValue.string)),
            "pathsTruncated": .bool(pathsTruncated), "pusher": .string(pusher), "cloneURL": .string(cloneURL),
        ]
        if let before { members["before"] = .string(before) }
        if let projectID { members["projectID"] = .string(projectID) }
        if omitted > 0 { members["pathsOmitted"] = .int(omitted) }
        return .object(members)
    }
}

extension DeliveryHeader {
    /// The header as a `ConfigValue`, with the keys of its `Codable` form.
    public var configValue: ConfigValue {
        .object(["name": .string(name), "value": .string(value)])
    }
}

extension DeliveryEventRecord {
    /// The record as a `ConfigValue`, with the keys of its `Codable` form (`ignoredReason` only when there is one).
    public var configValue: ConfigValue {
        var members: [String: ConfigValue] = [
            "event": event.configValue,
            "verdicts": .array(
                verdicts.map { .object(["rule": .string($0.rule), "matched": .bool($0.matched), "reason": .string($0.reason)]) }),
        ]
        if let ignoredReason { members["ignoredReason"] = .string(ignoredReason) }
        return .object(members)
    }
}

extension RunReport {
    /// The report as a `ConfigValue`, with the keys of its `Codable` form (absent optionals left out, as `JSONEncoder`
    /// does), so `JSONDecoder` reads it back.
    public var configValue: ConfigValue {
        var members: [String: ConfigValue] = ["reporters": .array(reporters.map(ConfigValue.string))]
        if let environmentURL { members["environmentURL"] = .string(environmentURL) }
        if let production { members["production"] = .bool(production) }
        if let transient { members["transient"] = .bool(transient) }
        return .object(members)
    }
}
