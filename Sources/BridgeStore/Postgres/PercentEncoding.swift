import BridgeCore

/// RFC 3986 percent-encoding of the parts of a `postgres://` URL (a user or database name with `@`, `/` or spaces).
enum PercentEncoding {
    /// The text with each `%XX` replaced by its byte; nil for a broken escape or bytes that are not UTF-8.
    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var rest = text.utf8[...]
        while let byte = rest.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let escaped = Hex.decode(String(decoding: rest.prefix(2), as: UTF8.self)), escaped.count == 1 else { return nil }
            bytes.append(contentsOf: escaped)
            rest = rest.dropFirst(2)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Every byte outside RFC 3986's unreserved characters as `%XX` (SigV4's encoding is exactly that).
    static func encode(_ text: String) -> String {
        SigV4Signer.uriEncode(text)
    }

    /// A file path for a query value: each segment encoded, the slashes kept so that a log shows a readable path.
    static func encodePath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { encode(String($0)) }.joined(separator: "/")
    }
}
