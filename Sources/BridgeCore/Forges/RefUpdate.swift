/// What one single-ref push payload says, forge-neutral, before normalisation to a `PushEvent`.
///
/// GitHub, GitLab, Gitea and Forgejo send one of these per delivery; each Bitbucket change is one.
struct RefUpdate {
    var forge: Forge
    var repository: String
    /// The full ref (`refs/heads/main`).
    var ref: String
    var before: String?
    var after: String?
    /// The commit to deploy when the ref still exists: GitHub/Gitea `head_commit.id`, GitLab `checkout_sha`,
    /// Bitbucket `new.target.hash`. `after` is used when the forge names none.
    var headCommit: String?
    /// The forge's own flags, when it sends them; otherwise zero SHAs decide.
    var created: Bool?
    var deleted: Bool?
    var forced: Bool?
    var commits: [CommitFiles] = []
    /// Commits in the push when the forge counts them (GitLab `total_commits_count`, Gitea `total_commits`).
    var totalCommits: Int?
    /// The forge lists at most this many commits and counts none (GitHub: 2048).
    var commitCap: Int?
    /// The forge says, or it is known, that the commit list or its files are incomplete (Bitbucket).
    var incomplete: Bool = false
    var pusher: String
    var cloneURL: String
    var projectID: String?

    /// The normalised event; nil when the ref is neither a branch nor a tag (the caller ignores the delivery).
    func event() throws(PayloadError) -> PushEvent? {
        guard let parsed = GitRef(ref) else { return nil }
        let deleted = (self.deleted ?? false) || GitRef.isZero(after)
        let created = !deleted && ((self.created ?? false) || GitRef.isZero(before))
        var sha = ""
        if !deleted {
            guard let commit = nonEmpty(headCommit) ?? nonEmpty(after) else { throw .missingField("after") }
            sha = commit
        }
        return PushEvent(
            forge: forge, repository: repository, refKind: parsed.kind, refName: parsed.name, sha: sha, before: before,
            created: created, deleted: deleted, forced: forced ?? false, changedPaths: changedPaths(),
            pathsTruncated: pathsTruncated(deleted: deleted, created: created, kind: parsed.kind), pusher: pusher,
            cloneURL: cloneURL, projectID: projectID)
    }

    /// The union of added, modified and removed paths over the delivered commits, each once, in the order the commits
    /// list them. Not sorted: a 25 MB push lists about 600,000 paths, and sorting them took a quarter of its parse.
    func changedPaths() -> [String] {
        let listed = commits.reduce(0) { $0 + ($1.added?.count ?? 0) + ($1.modified?.count ?? 0) + ($1.removed?.count ?? 0) }
        var unique = UniquePaths(capacity: listed)
        for commit in commits {
            unique.insert(contentsOf: commit.added)
            unique.insert(contentsOf: commit.modified)
            unique.insert(contentsOf: commit.removed)
        }
        return unique.paths
    }

    /// Whether `changedPaths` may miss paths the push changed.
    ///
    /// True when the forge truncated the commit list, and also when a ref moved but the list is empty: a created
    /// ref, a tag push or a reset delivers no commits, so the forge said nothing about paths and a path filter
    /// must not silently skip the push. A deletion changes no files, so it is never truncated.
    func pathsTruncated(deleted: Bool, created: Bool, kind: RefKind) -> Bool {
        if deleted { return false }
        if incomplete { return true }
        if let totalCommits, totalCommits > commits.count { return true }
        if let commitCap, commits.count >= commitCap { return true }
        guard commits.isEmpty else { return false }
        let moved = before == nil || after == nil || before != after
        return created || kind == .tag || moved
    }

    private func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}

/// Paths, each kept once, in the order first seen.
///
/// A `Set<String>` did the same at a third of a 25 MB push's parse (issue 14): each slot it probed compared the whole
/// path (paths share long prefixes), and it retained every path, then released them all. This table holds, per path,
/// 32 bits of its hash (`String`'s own, seeded per process) and its index in `paths`: a probe compares two integers, and
/// the strings only when those are equal. Its size is fixed from the count of listed paths, at most three quarters full.
struct UniquePaths {
    private(set) var paths: [String] = []
    /// Per slot, the path's index in `paths` plus one (0: empty) in the high 32 bits and its hash's low 32 bits below.
    private var slots: [UInt64]
    private let mask: Int

    init(capacity: Int) {
        let size = max(16, (capacity + capacity / 3 + 1).nextPowerOfTwo)
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        paths.reserveCapacity(capacity)
    }

    mutating func insert(contentsOf list: [String]?) {
        guard let list else { return }
        for path in list { insert(path) }
    }

    mutating func insert(_ path: String) {
        let hash = UInt64(UInt32(truncatingIfNeeded: path.hashValue))
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 {
                // The table never fills: a caller that lists more paths than it said gets a larger table.
                guard paths.count < (slots.count / 4) * 3 else { return grow(inserting: path) }
                paths.append(path)
                slots[slot] = UInt64(paths.count) << 32 | hash
                return
            }
            if entry & 0xFFFF_FFFF == hash && paths[Int(entry >> 32) - 1] == path { return }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow(inserting path: String) {
        var larger = UniquePaths(capacity: slots.count * 2)
        for kept in paths { larger.insert(kept) }
        larger.insert(path)
        self = larger
    }
}

extension Int {
    /// The least power of two at least `self` (1 for zero or less).
    fileprivate var nextPowerOfTwo: Int {
        self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount)
    }
}
