import Foundation

/// Reads the ISO 8601 timestamps credentials endpoints give for `Expiration` (`2026-05-01T12:00:00Z`, with or
/// without fractional seconds or a numeric offset).
enum AWSTimestamp {
    static func parse(_ text: String) -> Date? {
        try? Date(text.trimmingCharacters(in: .whitespaces), strategy: .iso8601)
    }
}
