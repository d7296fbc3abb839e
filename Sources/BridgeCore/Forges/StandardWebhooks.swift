import Foundation

/// Standard Webhooks v1 symmetric signatures (https://www.standardwebhooks.com), as GitLab signing tokens use them.
///
/// Signed content is `{webhook-id}.{webhook-timestamp}.{raw body}`, HMAC-SHA256; `webhook-signature` is a
/// space-delimited list of `v1,<base64>` entries (other versions, such as `v1a` for ed25519, are skipped).
enum StandardWebhooks {
    /// Accepted clock difference, both directions (the reference library's `WEBHOOK_TOLERANCE_SECONDS`).
    static let toleranceSeconds: Int64 = 5 * 60

    /// The bytes the HMAC covers.
    static func signedContent(id: String, timestamp: String, body: [UInt8]) -> [UInt8] {
        var content = Array("\(id).\(timestamp).".utf8)
        content.append(contentsOf: body)
        return content
    }

    /// A `webhook-signature` value: one `v1,<base64>` entry for `key`.
    static func signature(key: [UInt8], id: String, timestamp: String, body: [UInt8]) -> String {
        let mac = Digest.hmac(.sha256, key: key, message: signedContent(id: id, timestamp: timestamp, body: body))
        return "v1," + Base64.encode(mac)
    }

    /// Unix seconds of `date`, rounded down; nil for dates outside `Int64`.
    static func unixSeconds(_ date: Date) -> Int64? {
        Int64(exactly: date.timeIntervalSince1970.rounded(.down))
    }

    /// Checks a `webhook-timestamp` value against `now`.
    static func checkTimestamp(_ text: String, now: Date) throws(SignatureError) {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let timestamp = Int64(text), let current = unixSeconds(now)
        else { throw .malformedTimestamp }
        let skew = timestamp - current
        guard skew.magnitude <= toleranceSeconds.magnitude else { throw .timestampOutsideTolerance(skewSeconds: skew) }
    }

    /// Verifies `webhook-signature` values against every key; succeeds if any `v1` entry matches any key.
    static func verify(signatureHeaders: [String], keys: [[UInt8]], id: String, timestamp: String, body: [UInt8])
        throws(SignatureError)
    {
        let header = HeaderName.webhookSignature
        var candidates: [[UInt8]] = []
        var sawMalformed = false
        for entry in signatureHeaders.flatMap({ $0.split(separator: " ", omittingEmptySubsequences: true) }) {
            guard let comma = entry.firstIndex(of: ",") else {
                sawMalformed = true
                continue
            }
            guard entry[..<comma] == "v1" else { continue }
            guard let bytes = Base64.decode(entry[entry.index(after: comma)...]) else {
                sawMalformed = true
                continue
            }
            candidates.append(bytes)
        }
        if candidates.isEmpty { throw sawMalformed ? .malformedSignature(header: header) : .unsupportedAlgorithm(header: header) }
        let content = signedContent(id: id, timestamp: timestamp, body: body)
        var matched = false
        for key in keys {
            let expected = Digest.hmac(.sha256, key: key, message: content)
            for candidate in candidates where Digest.constantTimeEqual(expected, candidate) {
                matched = true
            }
        }
        guard matched else { throw .mismatch(header: header) }
    }
}
