/// Gitea and Forgejo `push` payloads (`modules/structs/hook.go` `PushPayload`; https://docs.gitea.com/usage/webhooks).
///
/// There are no `created`/`deleted`/`forced` flags: zero SHAs say whether the ref was created or deleted.
struct GiteaPayload: Decodable {
    enum CodingKeys: String, CodingKey {
        case ref, before, after, totalCommits = "total_commits", headCommit = "head_commit", repository, pusher, sender
    }

    struct Commit: Decodable {
        var id: String
    }

    struct Repository: Decodable {
        enum CodingKeys: String, CodingKey {
            case id, fullName = "full_name", cloneUrl = "clone_url", htmlUrl = "html_url"
        }

        var id: LenientString?
        var fullName: String
        var cloneUrl: String?
        var htmlUrl: String?
    }

    struct User: Decodable {
        var login: String?
        var username: String?
    }

    var ref: String
    var before: String?
    var after: String?
    var totalCommits: Int?
    var headCommit: Commit?
    var repository: Repository
    var pusher: User?
    var sender: User?

    /// The ref update; the deploy commit is `head_commit.id`, else `after`.
    func refUpdate(forge: Forge) -> RefUpdate {
        RefUpdate(
            forge: forge, repository: repository.fullName, ref: ref, before: before, after: after,
            headCommit: headCommit?.id, totalCommits: totalCommits,
            pusher: pusher?.login ?? pusher?.username ?? sender?.login ?? sender?.username ?? "",
            cloneURL: repository.cloneUrl ?? repository.htmlUrl.map { $0 + ".git" } ?? "", projectID: repository.id?.value)
    }
}
