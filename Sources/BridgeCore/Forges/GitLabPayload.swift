import Foundation

/// GitLab push and tag push payloads, also as system hooks
/// (https://docs.gitlab.com/user/project/integrations/webhook_events/#push-events).
struct GitLabPayload: Decodable {
    enum CodingKeys: String, CodingKey {
        case objectKind = "object_kind", eventName = "event_name", ref, before, after, checkoutSha = "checkout_sha", userUsername = "user_username",
            userName = "user_name", projectId = "project_id", project, repository, totalCommitsCount = "total_commits_count"
    }

    struct Project: Decodable {
        enum CodingKeys: String, CodingKey {
            case id, pathWithNamespace = "path_with_namespace", webUrl = "web_url", gitHttpUrl = "git_http_url"
        }

        var id: LenientString?
        var pathWithNamespace: String?
        var webUrl: String?
        var gitHttpUrl: String?
    }

    /// The deprecated `repository` subset, read only when `project` lacks a field.
    struct Repository: Decodable {
        enum CodingKeys: String, CodingKey {
            case homepage, gitHttpUrl = "git_http_url"
        }

        var homepage: String?
        var gitHttpUrl: String?
    }

    var objectKind: String?
    var eventName: String?
    var ref: String
    var before: String?
    var after: String?
    var checkoutSha: String?
    var userUsername: String?
    var userName: String?
    var projectId: LenientString?
    var project: Project?
    var repository: Repository?
    var totalCommitsCount: Int?

    /// The ref update; the deploy commit is `checkout_sha` (for annotated tags `after` is the tag object).
    func refUpdate() throws(PayloadError) -> RefUpdate {
        RefUpdate(
            forge: .gitlab, repository: try repositoryName(), ref: ref, before: before, after: after,
            headCommit: checkoutSha, totalCommits: totalCommitsCount,
            pusher: userUsername ?? userName ?? "", cloneURL: cloneURL, projectID: projectId?.value ?? project?.id?.value)
    }

    /// `project.path_with_namespace`, else the path of the project's web URL.
    func repositoryName() throws(PayloadError) -> String {
        if let name = project?.pathWithNamespace, !name.isEmpty { return name }
        if let url = project?.webUrl ?? repository?.homepage, let path = Self.urlPath(url) { return path }
        throw .missingField("project.pathWithNamespace")
    }

    var cloneURL: String {
        project?.gitHttpUrl ?? repository?.gitHttpUrl ?? (project?.webUrl ?? repository?.homepage).map { $0 + ".git" } ?? ""
    }

    /// `group/sub/project` from `https://gitlab.example.com/group/sub/project`.
    static func urlPath(_ url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        let afterHost = url[scheme.upperBound...].drop { $0 != "/" }
        let path = afterHost.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return path.isEmpty ? nil : path
    }
}
