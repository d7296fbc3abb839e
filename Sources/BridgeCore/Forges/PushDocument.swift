/// A push payload read in one pass over its bytes: the commits' file lists become `ChangedPaths` directly, and the
/// rest of the document, without `commits`, is left for the forge's reader (`JSONFields` for GitHub, `JSONDecoder`
/// for the others).
///
/// The commits are nearly all of a large push (25 MB: 2,048 commits listing 600,000 paths), and decoding them made a
/// `String` per path and per commit field, then dropped repeats by hashing the strings (issue 14). Here a path's bytes
/// go from the payload to `ChangedPaths` once; the other members (ref, repository, pusher: a few kilobytes) are copied
/// byte for byte into `rest`, where the forge's reader reads them.
///
/// The scan is JSON as `JSONBytes` reads it: any syntax error anywhere is `.malformedJSON`, as `JSONDecoder` said; a
/// document whose top level is not an object is left whole in `rest`, so the forge's reader names what is wrong.
struct PushDocument {
    /// The document without its `commits` member.
    var rest: [UInt8]
    /// How many commits `commits` lists (0 when absent or null).
    var commitCount = 0
    /// The union of each commit's `added`, `modified` and `removed`, in that order per commit, commits in order.
    var paths = ChangedPaths()
    /// The first field of the wrong type in `commits`, thrown by `checked()`: not by `init`, so a broken document is
    /// `.malformedJSON` wherever the break is, as with `JSONDecoder`, and an event that is not a push (a GitLab system
    /// hook's) is ignored whatever its `commits` holds.
    private(set) var fault: PayloadError?
    /// The commits' lists, read; `paths` is made from them once the scan is over.
    private var lists: CommitLists?

    init(_ json: [UInt8]) throws(PayloadError) {
        rest = []
        let done: Bool = try json.withUnsafeBufferPointer { (bytes) throws(PayloadError) -> Bool in
            var scan = JSONBytes(bytes)
            scan.skipSpace()
            guard scan.peek == UInt8(ascii: "{") else { return false }
            try readTopLevel(&scan)
            return true
        }
        if !done { rest = json }
        if let lists { paths = lists.paths(in: json) }
    }

    /// The document, when its commits are as a push lists them; else the first field of the wrong type.
    func checked() throws(PayloadError) -> PushDocument {
        if let fault { throw fault }
        return self
    }

    private mutating func readTopLevel(_ scan: inout JSONBytes) throws(PayloadError) {
        rest.reserveCapacity(min(scan.bytes.count, 4096))
        rest.append(UInt8(ascii: "{"))
        var sawCommits = false
        try scan.object { (scan, key) throws(PayloadError) in
            if scan.key(key, is: "commits") {
                if sawCommits {
                    fault = fault ?? .invalidField("commits")
                    return try scan.skipValue()
                }
                sawCommits = true
                try readCommits(&scan)
            } else {
                let start = key.start - 1  // the key's opening quote
                try scan.skipValue()
                if rest.count > 1 { rest.append(UInt8(ascii: ",")) }
                rest.append(contentsOf: UnsafeBufferPointer(rebasing: scan.bytes[start..<scan.at]))
            }
        }
        scan.skipSpace()
        guard scan.at == scan.bytes.count else { throw .malformedJSON }
        rest.append(UInt8(ascii: "}"))
    }

    /// `commits`: null, or an array of objects whose `added`, `modified` and `removed` are null or arrays of strings.
    private mutating func readCommits(_ scan: inout JSONBytes) throws(PayloadError) {
        var lists = CommitLists()
        commitCount = try scan.nullOrArray(of: UInt8(ascii: "{"), field: { "commits" }, fault: &fault) { (scan, index) throws(PayloadError) in
            try scan.object { (scan, key) throws(PayloadError) in
                guard let list = CommitLists.list(named: key, in: scan) else { return try scan.skipValue() }
                try lists.read(list, of: &scan, field: { "commits[\(index)].\(list.name)" })
            }
            lists.endCommit()
        }
        fault = fault ?? lists.fault
        self.lists = lists
    }
}

extension JSONBytes {
    /// Reads null (0), or an array whose elements each start with `opening`, calling `element` with each and its
    /// index; the element count. A value of another type is not an error yet: the first is kept in `fault`, named after
    /// `field` (`commits`, `commits[2]`), and passed over, so a later syntax error still makes the document malformed.
    @discardableResult
    fileprivate mutating func nullOrArray(
        of opening: UInt8, field: () -> String, fault: inout PayloadError?,
        _ element: (inout JSONBytes, Int) throws(PayloadError) -> Void
    ) throws(PayloadError) -> Int {
        if peek == UInt8(ascii: "n") {
            try skipValue()
            return 0
        }
        guard peek == UInt8(ascii: "[") else {
            fault = fault ?? .invalidField(field())
            try skipValue()
            return 0
        }
        var index = 0
        try array { (scan) throws(PayloadError) in
            if scan.peek == opening {
                try element(&scan, index)
            } else {
                fault = fault ?? .invalidField("\(field())[\(index)]")
                try scan.skipValue()
            }
            index += 1
        }
        return index
    }
}

/// The commits' file lists as ranges of the payload (or of `unescaped`, for paths written with escapes), in the
/// order they are added: each commit's `added`, then `modified`, then `removed`, whatever its key order.
private struct CommitLists {
    enum List: Int, CaseIterable {
        case added, modified, removed
        var name: StaticString {
            switch self {
            case .added: "added"
            case .modified: "modified"
            case .removed: "removed"
            }
        }
    }

    /// Each path listed, in order, as a `ChangedPaths.Span` of the payload or of `unescaped`.
    private var spans: [UInt64] = []
    private var unescaped: [UInt8] = []
    /// The first list or path of the wrong type (`PushDocument.fault`).
    private(set) var fault: PayloadError?
    /// The commit being read: its lists' spans, moved to `spans` at its end.
    private var commit: [[UInt64]] = [[], [], []]

    static func list(named key: JSONBytes.StringToken, in scan: JSONBytes) -> List? {
        List.allCases.first { scan.key(key, is: $0.name) }
    }

    /// Reads the list's value: null, or an array of strings (`field` names it in an error).
    mutating func read(_ list: List, of scan: inout JSONBytes, field: () -> String) throws(PayloadError) {
        var listFault = fault
        var tooLong: Int?
        try scan.nullOrArray(of: UInt8(ascii: "\""), field: field, fault: &listFault) { (scan, position) throws(PayloadError) in
            let token = try scan.string()
            var start = token.start
            var count = token.end - token.start
            if token.escaped {
                start = unescaped.count
                try JSONBytes.unescape(scan.bytes[token.start..<token.end], into: &unescaped)
                count = unescaped.count - start
            }
            // Longer than a span can say (16 MiB): no file system has such a path.
            guard count <= ChangedPaths.maxPathLength else {
                tooLong = tooLong ?? position
                return
            }
            commit[list.rawValue].append(ChangedPaths.Span.make(start: start, count: count, inExtra: token.escaped))
        }
        fault = listFault ?? tooLong.map { .invalidField("\(field())[\($0)]") }
    }

    mutating func endCommit() {
        for list in List.allCases {
            spans.append(contentsOf: commit[list.rawValue])
            commit[list.rawValue].removeAll(keepingCapacity: true)
        }
    }

    /// The paths, each once, first listed first: ranges of `payload` and of the unescaped paths.
    func paths(in payload: [UInt8]) -> ChangedPaths {
        var builder = ChangedPaths.Builder(bytes: payload, extra: unescaped, capacity: spans.count)
        builder.append(spans: spans)
        return builder.paths
    }
}
