/// Whether a push moved a branch or a tag.
public enum RefKind: String, Sendable, Hashable, Codable {
    case branch
    case tag
}

/// One ref update, normalised from any forge's push or tag payload.
///
/// A Bitbucket delivery with several changes yields several events; every other forge sends one ref per delivery.
public struct PushEvent: Sendable, Hashable, Codable {
    /// The forge that sent it.
    public var forge: Forge
    /// Repository full name as the forge spells it (`acme/shop`, `group/sub/project`).
    public var repository: String
    /// Branch or tag.
    public var refKind: RefKind
    /// Short ref name: `main`, `v1.2.0`.
    public var refName: String
    /// The commit to deploy: never an annotated tag object. Empty when the ref was deleted.
    public var sha: String
    /// The ref's previous commit, when the forge says (all zeros when the ref was created).
    public var before: String?
    /// The ref did not exist before this push.
    public var created: Bool
    /// The ref was deleted by this push.
    public var deleted: Bool
    /// The push rewrote history (when the forge says).
    public var forced: Bool
    /// Union of added, modified and removed paths across the delivered commits, each once, in the order the commits
    /// list them. A stored event keeps the first `storedPathLimit` of them (`configValue`) and counts the rest in
    /// `pathsOmitted`; rules are matched against them all before the event is stored.
    public var changedPaths: ChangedPaths
    /// How many changed paths a stored event left out (nil: none).
    public var pathsOmitted: Int?
    /// The forge delivered fewer commits than the push contained, so `changedPaths` may be incomplete.
    public var pathsTruncated: Bool
    /// Who pushed (login or name).
    public var pusher: String
    /// A URL to clone the repository from.
    public var cloneURL: String
    /// The forge's own project or repository id (GitLab `project_id`, GitHub `repository.id`), when it sends one.
    public var projectID: String?

    /// Full ref: `refs/heads/main` or `refs/tags/v1.2.0`.
    public var ref: String {
        switch refKind {
        case .branch: "refs/heads/\(refName)"
        case .tag: "refs/tags/\(refName)"
        }
    }

    /// At most this many changed paths are stored with an event (`configValue`), in the delivery's record and in each
    /// run's: enough to read what a push changed, and a 25 MB push is not written out twice.
    public static let storedPathLimit = 1_000

    /// The first 7 characters of `sha`.
    public var shortSHA: String { String(sha.prefix(7)) }

    /// Creates an event.
    public init(
        forge: Forge, repository: String, refKind: RefKind, refName: String, sha: String, before: String? = nil,
        created: Bool = false, deleted: Bool = false, forced: Bool = false, changedPaths: ChangedPaths = [],
        pathsTruncated: Bool = false, pusher: String = "", cloneURL: String = "", projectID: String? = nil
    ) {
        self.forge = forge
        self.repository = repository
        self.refKind = refKind
        self.refName = refName
        self.sha = sha
        self.before = before
        self.created = created
        self.deleted = deleted
        self.forced = forced
        self.changedPaths = changedPaths
        self.pathsTruncated = pathsTruncated
        self.pusher = pusher
        self.cloneURL = cloneURL
        self.projectID = projectID
    }
}
