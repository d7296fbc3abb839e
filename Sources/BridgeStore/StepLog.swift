/// A step's log as stored: the provider's output, bounded to its most recent part.
enum StepLog {
    /// The most UTF-8 bytes a step's log keeps (the last 64 KiB: where a failure is explained).
    static let limit = 64 * 1024
    /// How far past the cut a newline is looked for, so the kept log starts with a whole line.
    static let lineSearch = 4 * 1024

    /// `log` followed by `text`, cut to its last `limit` bytes at a character boundary, and at the start of a
    /// line when one begins near the cut.
    static func appending(_ text: String, to log: String?, limit: Int = limit) -> String {
        let combined = (log ?? "") + text
        let bytes = Array(combined.utf8)
        guard bytes.count > limit else { return combined }
        var start = bytes.count - max(0, limit)
        // Never start inside a character's encoding: skip continuation bytes (0b10xxxxxx).
        while start < bytes.count, bytes[start] & 0b1100_0000 == 0b1000_0000 {
            start += 1
        }
        let searchEnd = min(bytes.count, start + lineSearch)
        if let newline = bytes[start..<searchEnd].firstIndex(of: UInt8(ascii: "\n")), newline + 1 < bytes.count {
            start = newline + 1
        }
        return String(decoding: bytes[start...], as: UTF8.self)
    }
}
