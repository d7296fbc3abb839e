/// Reads one field of an `application/x-www-form-urlencoded` body, the way GitHub and Gitea send `payload=<JSON>`.
enum FormURLEncoded {
    /// The outcome of looking a field up.
    enum Lookup: Equatable {
        /// The field's decoded bytes (`+` is a space, `%XX` a byte).
        case found([UInt8])
        /// No field has that name.
        case missing
        /// A percent-escape is not two hex digits.
        case malformed
    }

    /// The first field named `name` in `body`.
    static func value(of name: String, in body: [UInt8]) -> Lookup {
        let wanted = Array(name.utf8)
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let separator = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
            guard let key = decode(pair[pair.startIndex..<separator]) else { return .malformed }
            guard key == wanted else { continue }
            let rawValue = separator < pair.endIndex ? pair[(separator + 1)...] : []
            guard let value = decode(rawValue) else { return .malformed }
            return .found(value)
        }
        return .missing
    }

    /// Percent-decodes form bytes; nil when an escape is not `%` and two hex digits.
    static func decode(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "+"):
                out.append(UInt8(ascii: " "))
                index += 1
            case UInt8(ascii: "%"):
                guard index + 3 <= bytes.endIndex,
                    let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                else { return nil }
                out.append(high << 4 | low)
                index += 3
            default:
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    private static func hexValue(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
