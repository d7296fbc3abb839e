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
    /// list them. Not sorted: a 25 MB push lists about 250,000 paths, and sorting them took a quarter of its parse.
    func changedPaths() -> [String] {
        let listed = commits.reduce(0) { $0 + ($1.added?.count ?? 0) + ($1.modified?.count ?? 0) + ($1.removed?.count ?? 0) }
        var seen = Set<String>(minimumCapacity: listed)
        var paths: [String] = []
        paths.reserveCapacity(listed)
        for commit in commits {
            for list in [commit.added, commit.modified, commit.removed] {
                for path in list ?? [] where seen.insert(path).inserted { paths.append(path) }
            }
        }
        return paths
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
