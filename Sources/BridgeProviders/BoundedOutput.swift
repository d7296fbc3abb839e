/// The last `limit` bytes of a stream, and how many came before them.
///
/// A command's log is kept in memory until the step ends, so a child printing gigabytes must cost at most `limit`
/// bytes (plus slack, so dropping the front is amortised rather than done on every append). The end of a log is the
/// part worth keeping: it holds the error that stopped the command.
struct BoundedOutput: Sendable, Hashable {
    /// The most bytes kept.
    let limit: Int
    /// Every byte appended so far, kept or not.
    private(set) var totalBytes = 0
    private var bytes: [UInt8] = []

    /// An empty buffer keeping at most `limit` bytes.
    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Adds `chunk` to the end, dropping the oldest bytes beyond the limit.
    mutating func append(_ chunk: some Collection<UInt8>) {
        totalBytes += chunk.count
        if chunk.count >= limit {
            bytes = Array(chunk.suffix(limit))
            return
        }
        bytes.append(contentsOf: chunk)
        if bytes.count > 2 * limit {
            bytes.removeFirst(bytes.count - limit)
        }
    }

    /// The bytes kept: the last `limit` appended.
    var retained: ArraySlice<UInt8> {
        bytes.suffix(limit)
    }

    /// The output as text: UTF-8, with invalid sequences replaced. When bytes were dropped, a first line says how
    /// many, and a character cut in half at the start of the kept part is dropped with them.
    var text: String { text(after: 0) }

    /// Where the last whole line of what is kept ends: the count of bytes appended up to and including its newline;
    /// nil when no newline is kept.
    var lastLineEnd: Int? {
        let kept = retained
        return kept.lastIndex(of: UInt8(ascii: "\n")).map { totalBytes - (kept.endIndex - $0 - 1) }
    }

    /// The text of what was appended after the first `count` bytes, up to the first `end` bytes (all of it when nil),
    /// with a first line saying how many of those bytes were dropped, if any.
    func text(after count: Int, upTo end: Int? = nil) -> String {
        let end = min(totalBytes, end ?? totalBytes)
        let start = max(0, count)
        guard end > start else { return "" }
        let kept = retained
        let firstKept = totalBytes - kept.count
        let from = max(start, firstKept)
        var wanted = from < end ? kept[(kept.startIndex + from - firstKept)..<(kept.startIndex + end - firstKept)] : kept[kept.endIndex...]
        var omitted = min(end, from) - start
        guard omitted > 0 else { return String(decoding: wanted, as: UTF8.self) }
        // Continuation bytes (10xxxxxx) at the start belong to a character whose first byte was dropped; a UTF-8
        // character has at most three of them.
        for _ in 0..<3 {
            guard let first = wanted.first, first & 0b1100_0000 == 0b1000_0000 else { break }
            wanted = wanted.dropFirst()
            omitted += 1
        }
        return "… (\(omitted) bytes omitted)\n" + String(decoding: wanted, as: UTF8.self)
    }
}
