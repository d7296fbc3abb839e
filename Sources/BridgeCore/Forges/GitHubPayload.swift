/// GitHub `push` payloads (https://docs.github.com/en/webhooks/webhook-events-and-payloads#push).
///
/// Only the fields the bridge uses are read (`JSONFields`, in this order, so the first wrong one is the one named):
/// `repository.created_at` is an integer in push payloads and a string elsewhere, so it is never read.
struct GitHubPayload {
    var ref: String
    var before: String?
    var after: String?
    var created: Bool?
    var deleted: Bool?
    var forced: Bool?
    /// `head_commit.id`, required when `head_commit` is an object.
    var headCommit: String?
    /// `repository.id`, a string or an integer.
    var repositoryID: String?
    var fullName: String
    var cloneURL: String?
    var htmlURL: String?
    /// `pusher.name`.
    var pusher: String?
    /// `sender.login`.
    var sender: String?

    /// The fields of `json`, a push payload's members but its commits (`PushDocument.rest`).
    static func read(_ json: [UInt8]) throws(PayloadError) -> GitHubPayload {
        try json.withUnsafeBufferPointer { (bytes) throws(PayloadError) in try GitHubPayload(JSONFields(document: bytes)) }
    }

    private init(_ payload: JSONFields) throws(PayloadError) {
        ref = try payload.string("ref")
        before = try payload.optionalString("before")
        after = try payload.optionalString("after")
        created = try payload.optionalBool("created")
        deleted = try payload.optionalBool("deleted")
        forced = try payload.optionalBool("forced")
        headCommit = try payload.optionalObject("head_commit")?.string("id")
        let repository = try payload.object("repository")
        repositoryID = try repository.optionalLenientString("id")
        fullName = try repository.string("full_name")
        cloneURL = try repository.optionalString("clone_url")
        htmlURL = try repository.optionalString("html_url")
        pusher = try payload.optionalObject("pusher")?.optionalString("name")
        sender = try payload.optionalObject("sender")?.optionalString("login")
    }

    /// GitHub lists at most this many commits in a push webhook and sends no total.
    static let commitCap = 2048

    /// The ref update; the deploy commit is `head_commit.id`, because for annotated tags `after` is the tag object.
    var refUpdate: RefUpdate {
        RefUpdate(
            forge: .github, repository: fullName, ref: ref, before: before, after: after,
            headCommit: headCommit, created: created, deleted: deleted, forced: forced,
            commitCap: Self.commitCap, pusher: pusher ?? sender ?? "",
            cloneURL: cloneURL ?? htmlURL.map { $0 + ".git" } ?? "",
            projectID: repositoryID)
    }
}
