/// A full ref split into branch or tag and short name.
struct GitRef: Equatable {
    let kind: RefKind
    let name: String

    /// Parses `refs/heads/<name>` or `refs/tags/<name>`; nil for other refs (notes, pull refs) or an empty name.
    init?(_ ref: String) {
        if ref.hasPrefix("refs/heads/") {
            kind = .branch
            name = String(ref.dropFirst("refs/heads/".count))
        } else if ref.hasPrefix("refs/tags/") {
            kind = .tag
            name = String(ref.dropFirst("refs/tags/".count))
        } else {
            return nil
        }
        guard !name.isEmpty else { return nil }
    }

    /// Whether `sha` is the all-zeros object id forges use for "no commit" (40 zeros, or 64 for SHA-256 repositories).
    static func isZero(_ sha: String?) -> Bool {
        guard let sha, !sha.isEmpty else { return false }
        return sha.utf8.allSatisfy { $0 == UInt8(ascii: "0") }
    }

    /// The all-zeros SHA-1 object id, for `before` of a created ref when the forge names no old commit.
    static let zeroSHA = String(repeating: "0", count: 40)
}
