/// GitHub `push` payloads (https://docs.github.com/en/webhooks/webhook-events-and-payloads#push).
///
/// Only the fields the bridge uses are decoded: `repository.created_at` is an integer in push payloads and a
/// string elsewhere, so it is never read.
struct GitHubPayload: Decodable {
    enum CodingKeys: String, CodingKey {
        case ref, before, after, created, deleted, forced, headCommit = "head_commit", repository, pusher, sender
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

    struct Pusher: Decodable {
        var name: String?
    }

    struct Sender: Decodable {
        var login: String?
    }

    var ref: String
    var before: String?
    var after: String?
    var created: Bool?
    var deleted: Bool?
    var forced: Bool?
    var headCommit: Commit?
    var repository: Repository
    var pusher: Pusher?
    var sender: Sender?

    /// GitHub lists at most this many commits in a push webhook and sends no total.
    static let commitCap = 2048

    /// The ref update; the deploy commit is `head_commit.id`, because for annotated tags `after` is the tag object.
    var refUpdate: RefUpdate {
        RefUpdate(
            forge: .github, repository: repository.fullName, ref: ref, before: before, after: after,
            headCommit: headCommit?.id, created: created, deleted: deleted, forced: forced,
            commitCap: Self.commitCap, pusher: pusher?.name ?? sender?.login ?? "",
            cloneURL: repository.cloneUrl ?? repository.htmlUrl.map { $0 + ".git" } ?? "",
            projectID: repository.id?.value)
    }
}
