/// Bitbucket Cloud `repo:push` payloads (https://support.atlassian.com/bitbucket-cloud/docs/event-payloads/#Push).
///
/// One delivery may carry several ref changes. Commit entries carry no file lists, so changed paths are never
/// known from the payload: every non-deleted event is marked `pathsTruncated`, so path filters match rather
/// than silently skip.
struct BitbucketPayload: Decodable {
    struct Link: Decodable {
        var href: String?
    }

    struct RepositoryLinks: Decodable {
        var html: Link?
    }

    struct Repository: Decodable {
        enum CodingKeys: String, CodingKey {
            case fullName = "full_name", uuid, links
        }

        var fullName: String
        var uuid: String?
        var links: RepositoryLinks?
    }

    struct Actor: Decodable {
        enum CodingKeys: String, CodingKey {
            case nickname, displayName = "display_name", username
        }

        var nickname: String?
        var displayName: String?
        var username: String?
    }

    struct Target: Decodable {
        var hash: String?
    }

    /// A branch or tag as it was (`old`) or is (`new`). `target` is the commit, also for annotated tags.
    struct Ref: Decodable {
        var type: String
        var name: String
        var target: Target?
    }

    struct Change: Decodable {
        var new: Ref?
        var old: Ref?
        var created: Bool?
        var closed: Bool?
        var forced: Bool?
    }

    struct Push: Decodable {
        var changes: [Change]?
    }

    var actor: Actor?
    var repository: Repository
    var push: Push

    /// One ref update per change whose ref is a branch or a tag, in delivery order.
    var refUpdates: [RefUpdate] {
        (push.changes ?? []).compactMap(refUpdate)
    }

    private func refUpdate(_ change: Change) -> RefUpdate? {
        // A deletion has `new: null`: the ref is `old`'s.
        guard let current = change.new ?? change.old, let prefix = Self.refPrefix(current.type) else { return nil }
        let newHash = change.new?.target?.hash
        return RefUpdate(
            forge: .bitbucket, repository: repository.fullName, ref: prefix + current.name,
            before: change.old?.target?.hash ?? GitRef.zeroSHA, after: newHash, headCommit: newHash,
            created: change.created ?? (change.old == nil), deleted: change.new == nil, forced: change.forced,
            // Always incomplete: no commit entry lists files, so the change's own `truncated` flag adds nothing.
            incomplete: true, pusher: actor?.nickname ?? actor?.displayName ?? actor?.username ?? "", cloneURL: cloneURL,
            projectID: repository.uuid)
    }

    /// `refs/heads/` for branches (`named_branch` was Mercurial's), `refs/tags/` for tags.
    static func refPrefix(_ type: String) -> String? {
        switch type {
        case "branch", "named_branch": "refs/heads/"
        case "tag": "refs/tags/"
        default: nil
        }
    }

    /// Bitbucket sends no clone URL: the repository's web page plus `.git`, else one derived from the full name.
    var cloneURL: String {
        if let html = repository.links?.html?.href, !html.isEmpty {
            return (html.hasSuffix("/") ? String(html.dropLast()) : html) + ".git"
        }
        return "https://bitbucket.org/\(repository.fullName).git"
    }
}
