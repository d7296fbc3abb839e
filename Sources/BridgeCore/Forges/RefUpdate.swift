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
    /// How many commits the payload lists, and the union of their file lists (`PushDocument`).
    var commitCount = 0
    var changedPaths = ChangedPaths()
    /// Commits in the push when the forge counts them (GitLab `total_commits_count`, Gitea `total_commits`).
    var totalCommits: Int?
    /// The forge lists at most this many commits and counts none (GitHub: 2048).
    var commitCap: Int?
    /// The forge says, or it is known, that the commit list or its files are incomplete (Bitbucket).
    var incomplete: Bool = false
    var pusher: String
    var cloneURL: String
    var projectID: String?

    /// The update with the commits `document` read: their count and their changed paths; throws when a commit's
    /// fields are not what a push lists (`PushDocument.checked()`).
    func listing(_ document: PushDocument) throws(PayloadError) -> RefUpdate {
        let document = try document.checked()
        var update = self
        update.commitCount = document.commitCount
        update.changedPaths = document.paths
        return update
    }

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
            created: created, deleted: deleted, forced: forced ?? false, changedPaths: changedPaths,
            pathsTruncated: pathsTruncated(deleted: deleted, created: created, kind: parsed.kind), pusher: pusher,
            cloneURL: cloneURL, projectID: projectID)
    }

    /// Whether `changedPaths` may miss paths the push changed.
    ///
    /// True when the forge truncated the commit list, and also when a ref moved but the list is empty: a created
    /// ref, a tag push or a reset delivers no commits, so the forge said nothing about paths and a path filter
    /// must not silently skip the push. A deletion changes no files, so it is never truncated.
    func pathsTruncated(deleted: Bool, created: Bool, kind: RefKind) -> Bool {
        if deleted { return false }
        if incomplete { return true }
        if let totalCommits, totalCommits > commitCount { return true }
        if let commitCap, commitCount >= commitCap { return true }
        guard commitCount == 0 else { return false }
        let moved = before == nil || after == nil || before != after
        return created || kind == .tag || moved
    }

    private func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
