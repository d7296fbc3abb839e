import Foundation
import Synchronization

/// The paths a push changed, each once, in the order first listed: a collection of `String`s kept as ranges of UTF-8
/// bytes, most of them the payload's own.
///
/// A 25 MB push lists about 600,000 paths (issue 14). As an array of `String`s that was 600,000 allocations made by
/// the decoder, hashed and compared again to drop repeats, and released one by one. Here a path is a range of the
/// payload's bytes (shared, not copied: copying them faulted in 25 MB of fresh pages), or of `extra` when it was
/// written with escapes or given as a `String`; a path becomes a `String` only when it is read (a rule's path filter
/// stops at the first path it matches, and a stored event keeps the first `PushEvent.storedPathLimit`). Two paths are
/// the same when their bytes are: git names files by bytes, so `café` precomposed and decomposed are two files here.
/// Holding one keeps its payload's bytes alive: an event lives as long as its request, and what is stored (the delivery's
/// and the runs' events) is JSON with the first paths as strings.
public struct ChangedPaths: Sendable, Hashable, RandomAccessCollection, ExpressibleByArrayLiteral, Codable {
    /// Bytes the paths are in: a payload's.
    private var bytes: [UInt8] = []
    /// Paths not in `bytes` as they are: unescaped, or given as strings.
    private var extra: [UInt8] = []
    /// Per path, a `Span`.
    private var spans: [UInt64] = []

    /// The longest path kept as a range, 16 MiB less a byte; `PushDocument` refuses a longer one.
    static let maxPathLength = 1 << 24 - 1

    /// A path's place: bit 63 set when it is in `extra`, its start in bits 24–62 and its length in bits 0–23.
    enum Span {
        static func make(start: Int, count: Int, inExtra: Bool) -> UInt64 {
            // `PushDocument` refuses a longer path; a stored event's paths came from it.
            precondition(count <= maxPathLength && start < 1 << 39, "a changed path longer than 16 MiB or past 512 GiB")
            return (inExtra ? 1 << 63 : 0) | UInt64(start) << 24 | UInt64(count)
        }

        static func start(_ span: UInt64) -> Int { Int(truncatingIfNeeded: (span >> 24) & (1 << 39 - 1)) }
        static func count(_ span: UInt64) -> Int { Int(truncatingIfNeeded: span & (1 << 24 - 1)) }
        static func inExtra(_ span: UInt64) -> Bool { span >> 63 == 1 }
    }

    /// No paths.
    public init() {}

    /// `paths` without repeats, first seen first.
    public init(_ paths: some Sequence<String>) {
        var builder = Builder(bytes: [], extra: [])
        for path in paths { builder.append(path) }
        self = builder.paths
    }

    public init(arrayLiteral paths: String...) {
        self.init(paths)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { spans.count }

    /// The path at `index`, made from its bytes.
    public subscript(index: Int) -> String {
        withPath(at: index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 of the path at `index`.
    func withPath<Result>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let span = spans[index]
        let start = Span.start(span)
        return (Span.inExtra(span) ? extra : bytes).withUnsafeBufferPointer {
            body(UnsafeBufferPointer(rebasing: $0[start..<start + Span.count(span)]))
        }
    }

    /// The first path that passes `patterns`, tried on each path's bytes before it is made a `String`: a path filter
    /// that matches none of a large push's paths made 600,000 strings to say so.
    public func first(matching patterns: PatternList) -> String? {
        indices.first { index in withPath(at: index) { patterns.matches(utf8: $0) } }.map { self[$0] }
    }

    /// The same paths in the same order, wherever their bytes are kept.
    public static func == (lhs: ChangedPaths, rhs: ChangedPaths) -> Bool {
        lhs.count == rhs.count && lhs.indices.allSatisfy { index in
            lhs.withPath(at: index) { left in rhs.withPath(at: index) { right in left.elementsEqual(right) } }
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for index in indices {
            withPath(at: index) {
                hasher.combine($0.count)
                hasher.combine(bytes: UnsafeRawBufferPointer($0))
            }
        }
    }

    /// Decodes a JSON array of strings (the stored form).
    public init(from decoder: any Decoder) throws {
        self.init(try [String](from: decoder))
    }

    /// Encodes a JSON array of strings.
    public func encode(to encoder: any Encoder) throws {
        try Array(self).encode(to: encoder)
    }

    /// Builds `ChangedPaths`, dropping repeats.
    ///
    /// An open-addressing table holds, per path, its index plus one in the high 32 bits of a slot and the low 32 bits of
    /// its hash (`Hasher`, seeded per process, so a payload cannot choose collisions) below: a probe compares two
    /// integers, and the bytes only when those are equal. It doubles at three quarters full, rehashing from the slots
    /// alone (a slot's index never needs more than the hash's low 32 bits).
    ///
    /// For 600,000 paths the table is 8 MiB, and a probe a cache miss: `append(spans:)` hashes a batch of paths, then
    /// reads their slots in a loop of their own, so the misses overlap instead of following one another (167 ms for a
    /// 25 MB push where one miss at a time took 260).
    struct Builder {
        private(set) var paths = ChangedPaths()
        private var slots: [UInt64]

        /// A builder of paths in `bytes` and `extra`, for about `capacity` of them (it grows past that).
        init(bytes: [UInt8], extra: [UInt8], capacity: Int = 48) {
            paths.bytes = bytes
            paths.extra = extra
            paths.spans.reserveCapacity(capacity)
            slots = Array(repeating: 0, count: Swift.max(64, (capacity + capacity / 3 + 1).nextPowerOfTwo))
        }

        /// Adds `path` unless it is already there.
        mutating func append(_ path: String) {
            var path = path
            let start = paths.extra.count
            path.withUTF8 { paths.extra.append(contentsOf: $0) }
            let span = Span.make(start: start, count: paths.extra.count - start, inExtra: true)
            if !append(span: span, hash: hash(span)) { paths.extra.removeSubrange(start...) }
        }

        /// Adds each path `spans` places in the builder's bytes, in order, unless it is already there.
        mutating func append(spans: [UInt64]) {
            let batch = 32
            var hashes = [UInt64](repeating: 0, count: batch)
            var start = 0
            while start < spans.count {
                let end = Swift.min(start + batch, spans.count)
                for index in start..<end { hashes[index - start] = hash(spans[index]) }
                // The reads alone in a loop without calls, so the processor has them all in flight at once.
                let mask = slots.count - 1
                var touched: UInt64 = 0
                for hash in hashes[..<(end - start)] { touched &+= slots[Int(truncatingIfNeeded: hash) & mask] }
                // An atomic store the optimiser must keep, and with it the reads (a plain sum was removed as unused).
                batchReads.store(touched, ordering: .relaxed)
                for index in start..<end { append(span: spans[index], hash: hashes[index - start]) }
                start = end
            }
        }

        private func hash(_ span: UInt64) -> UInt64 {
            withBytes(span) { path in
                var hasher = Hasher()
                hasher.combine(bytes: UnsafeRawBufferPointer(path))
                return UInt64(UInt32(truncatingIfNeeded: hasher.finalize()))
            }
        }

        private func withBytes<Result>(_ span: UInt64, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
            let start = Span.start(span)
            return (Span.inExtra(span) ? paths.extra : paths.bytes).withUnsafeBufferPointer {
                body(UnsafeBufferPointer(rebasing: $0[start..<start + Span.count(span)]))
            }
        }

        /// Adds the path at `span` unless it is there already; whether it was added.
        @discardableResult
        private mutating func append(span: UInt64, hash: UInt64) -> Bool {
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let entry = slots[slot]
                if entry == 0 { break }
                if entry & 0xFFFF_FFFF == hash && same(paths.spans[Int(entry >> 32) - 1], span) { return false }
                slot = (slot + 1) & mask
            }
            paths.spans.append(span)
            slots[slot] = UInt64(paths.spans.count) << 32 | hash
            if paths.spans.count >= slots.count / 4 * 3 { grow() }
            return true
        }

        private func same(_ kept: UInt64, _ span: UInt64) -> Bool {
            guard Span.count(kept) == Span.count(span) else { return false }
            return withBytes(kept) { kept in withBytes(span) { kept.elementsEqual($0) } }
        }

        private mutating func grow() {
            var larger = [UInt64](repeating: 0, count: slots.count * 2)
            let mask = larger.count - 1
            for entry in slots where entry != 0 {
                var slot = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) & mask
                while larger[slot] != 0 { slot = (slot + 1) & mask }
                larger[slot] = entry
            }
            slots = larger
        }
    }
}

/// Where `ChangedPaths.Builder.append(spans:)` puts what its early reads of a batch's slots saw.
private let batchReads = Atomic<UInt64>(0)

extension Int {
    /// The least power of two at least `self` (1 for zero or less).
    fileprivate var nextPowerOfTwo: Int {
        self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount)
    }
}
