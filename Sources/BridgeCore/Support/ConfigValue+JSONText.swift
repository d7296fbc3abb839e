/// Compact JSON text of a value, keys sorted (equal values give equal text), `/` unescaped.
///
/// Written by hand because it runs for every webhook answer and every recorded run and step, where
/// `JSONEncoder`'s generic machinery cost about a tenth of the intake CPU (bench/intake, perf).
extension ConfigValue {
    /// The value as JSON text. Non-finite doubles, which JSON cannot represent, are written as `null`.
    public var jsonText: String {
        var out = ""
        write(into: &out)
        return out
    }

    private func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .double(let value): out += value.isFinite ? String(value) : "null"
        case .string(let value): Self.writeString(value, into: &out)
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                Self.writeString(key, into: &out)
                out += ":"
                members[key]?.write(into: &out)
            }
            out += "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259 §7).
    private static func writeString(_ text: String, into out: inout String) {
        out += "\""
        var plainStart = text.unicodeScalars.startIndex
        var index = plainStart
        let scalars = text.unicodeScalars
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if scalar == "\"" || scalar == "\\" || scalar.value < 0x20 {
                out.unicodeScalars.append(contentsOf: scalars[plainStart..<index])
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
                plainStart = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        out.unicodeScalars.append(contentsOf: scalars[plainStart..<scalars.endIndex])
        out += "\""
    }
}

extension PushEvent {
    /// The event as a `ConfigValue`, with the same keys as its `Codable` form, so `JSONDecoder` reads it back.
    public var configValue: ConfigValue {
        var members: [String: ConfigValue] = [
            "forge": .string(forge.rawValue), "repository": .string(repository), "refKind": .string(refKind.rawValue),
            "refName": .string(refName), "sha": .string(sha), "created": .bool(created), "deleted": .bool(deleted),
            "forced": .bool(forced), "changedPaths": .array(changedPaths.map(ConfigValue.string)),
            "pathsTruncated": .bool(pathsTruncated), "pusher": .string(pusher), "cloneURL": .string(cloneURL),
        ]
        if let before { members["before"] = .string(before) }
        if let projectID { members["projectID"] = .string(projectID) }
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
