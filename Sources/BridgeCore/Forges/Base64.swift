import Foundation

/// Standard base64 (RFC 4648 §4) for Standard Webhooks keys and signatures.
enum Base64 {
    /// Bytes of base64 text; padding may be omitted. Nil when the text is not base64.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var padded = String(text)
        let remainder = padded.utf8.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { padded += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: padded).map { Array($0) }
    }

    /// Padded base64 of `bytes`.
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
