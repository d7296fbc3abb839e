import Foundation

/// Builds realistic push and tag payloads of every forge, for `gitops-bridge send` and `explain` walkthroughs.
///
/// The shapes follow each forge's documented push payload (shared/reference/webhooks.md); only the fields a receiver
/// reads are filled in.
public struct SamplePayload: Sendable {
    public var forge: Forge
    /// Repository full name (`acme/shop`).
    public var repository: String
    public var refKind: RefKind
    /// Branch or tag name.
    public var refName: String
    /// The commit pushed.
    public var sha: String
    /// Paths the sample commit changes (reported as modified).
    public var paths: [String]
    public var pusher: String
    /// Base URL of the forge's web UI (`https://gitlab.example.com`), used for clone and web URLs.
    public var forgeURL: String
    /// The forge's numeric project or repository id (GitLab reports deployment status to this project).
    public var projectID: Int

    public init(
        forge: Forge, repository: String = "acme/shop", refKind: RefKind = .branch, refName: String = "main",
        sha: String = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3", paths: [String] = ["README.md"], pusher: String = "alice",
        forgeURL: String? = nil, projectID: Int = 42
    ) {
        self.forge = forge
        self.repository = repository
        self.refKind = refKind
        self.refName = refName
        self.sha = sha
        self.paths = paths
        self.pusher = pusher
        self.forgeURL = forgeURL ?? Self.defaultURL(forge)
        self.projectID = projectID
    }

    static func defaultURL(_ forge: Forge) -> String {
        switch forge {
        case .github: "https://github.com"
        case .gitlab: "https://gitlab.example.com"
        case .gitea: "https://gitea.example.com"
        case .forgejo: "https://codeberg.example.org"
        case .bitbucket: "https://bitbucket.org"
        }
    }

    /// The payload as JSON bytes.
    public func json() -> [UInt8] {
        let object: [String: Any] =
            switch forge {
            case .github: github()
            case .gitlab: gitlab()
            case .gitea, .forgejo: gitea()
            case .bitbucket: bitbucket()
            }
        // Safety: the object is built from strings, numbers, booleans, arrays and dictionaries only.
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data)
    }

    var zeroSHA: String { String(repeating: "0", count: 40) }
    var fullRef: String { refKind == .branch ? "refs/heads/\(refName)" : "refs/tags/\(refName)" }
    var webURL: String { "\(forgeURL)/\(repository)" }
    var cloneURL: String { "\(webURL).git" }
    var repositoryName: String { repository.split(separator: "/").last.map(String.init) ?? repository }
    var timestamp: String { "2026-11-23T10:00:00Z" }
    var message: String { "Deploy sample change" }

    func commit(idKey: String = "id") -> [String: Any] {
        [
            idKey: sha, "message": message, "timestamp": timestamp, "url": "\(webURL)/commit/\(sha)",
            "author": ["name": pusher, "email": "\(pusher)@example.com", "username": pusher],
            "committer": ["name": pusher, "email": "\(pusher)@example.com", "username": pusher],
            "added": [String](), "removed": [String](), "modified": paths,
        ]
    }

    func github() -> [String: Any] {
        let commits: [[String: Any]] = refKind == .branch ? [commit()] : []
        return [
            "ref": fullRef, "before": zeroSHA, "after": sha, "created": refKind == .tag, "deleted": false, "forced": false,
            "base_ref": NSNull(), "compare": "\(webURL)/compare/\(refName)", "commits": commits, "head_commit": commit(),
            "repository": [
                "id": projectID, "name": repositoryName, "full_name": repository, "clone_url": cloneURL, "html_url": webURL,
                "default_branch": "main", "private": true,
            ],
            "pusher": ["name": pusher, "email": "\(pusher)@example.com"], "sender": ["login": pusher, "id": 1],
        ]
    }

    func gitlab() -> [String: Any] {
        let kind = refKind == .branch ? "push" : "tag_push"
        let commits: [[String: Any]] = refKind == .branch ? [commit()] : []
        let project: [String: Any] = [
            "id": projectID, "name": repositoryName, "path_with_namespace": repository, "web_url": webURL, "git_http_url": cloneURL,
            "default_branch": "main",
        ]
        return [
            "object_kind": kind, "event_name": kind, "before": zeroSHA, "after": sha, "ref": fullRef, "ref_protected": true,
            "checkout_sha": sha, "user_id": 7, "user_name": pusher, "user_username": pusher, "user_email": "\(pusher)@example.com",
            "project_id": projectID, "project": project, "commits": commits, "total_commits_count": commits.count,
            "repository": ["name": repositoryName, "url": cloneURL, "homepage": webURL, "git_http_url": cloneURL],
        ]
    }

    func gitea() -> [String: Any] {
        let commits: [[String: Any]] = refKind == .branch ? [commit()] : []
        let user: [String: Any] = ["id": 1, "login": pusher, "username": pusher, "email": "\(pusher)@example.com"]
        return [
            "ref": fullRef, "before": zeroSHA, "after": sha, "compare_url": "\(webURL)/compare/\(refName)", "commits": commits,
            "total_commits": commits.count, "head_commit": commit(),
            "repository": [
                "id": projectID, "name": repositoryName, "full_name": repository, "html_url": webURL, "clone_url": cloneURL,
                "default_branch": "main", "private": true,
            ],
            "pusher": user, "sender": user,
        ]
    }

    func bitbucket() -> [String: Any] {
        let target: [String: Any] = [
            "type": "commit", "hash": sha, "date": timestamp, "message": message,
            "author": ["raw": "\(pusher) <\(pusher)@example.com>"], "parents": [[String: Any]](),
        ]
        let new: [String: Any] = ["type": refKind == .branch ? "branch" : "tag", "name": refName, "target": target]
        let change: [String: Any] = [
            "new": new, "old": NSNull(), "created": true, "closed": false, "forced": false, "truncated": false,
            "commits": [["type": "commit", "hash": sha, "message": message, "date": timestamp]],
        ]
        return [
            "push": ["changes": [change]],
            "repository": [
                "type": "repository", "full_name": repository, "name": repositoryName, "uuid": "{7b5f8a2e-1c3d-4e5f-9a0b-1c2d3e4f5a6b}",
                "links": ["html": ["href": webURL]], "is_private": true, "scm": "git",
            ],
            "actor": ["type": "user", "nickname": pusher, "display_name": pusher],
        ]
    }
}
