import Foundation

/// A git repository URL reduced to what names the repository: its host and path, without scheme, user, port or
/// `.git`, lowercased (GitHub, GitLab, Gitea and Bitbucket compare both without case). Reads
/// `https://host/acme/shop.git`, `ssh://git@host:2222/acme/shop.git` and scp-like `git@host:acme/shop.git`.
struct RepositoryURL: Sendable, Hashable {
    var host: String
    var path: String

    init?(_ text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        let authority: Substring
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            authority = rest[..<slash]
            rest = rest[slash...]
        } else if let colon = rest.firstIndex(of: ":"), !rest[..<colon].contains("/") {
            authority = rest[..<colon]
            rest = rest[rest.index(after: colon)...]
        } else {
            return nil
        }
        let hostAndPort = authority.split(separator: "@").last ?? ""
        let host = hostAndPort.hasPrefix("[") ? hostAndPort.prefix { $0 != "]" } + "]" : hostAndPort.prefix { $0 != ":" }
        var path = rest.trimmingCharacters(in: CharacterSet(charactersIn: "/")).lowercased()
        if path.hasSuffix(".git") { path.removeLast(4) }
        guard !host.isEmpty, !path.isEmpty else { return nil }
        self.host = host.lowercased()
        self.path = path
    }

    /// Whether `text` names the repository `event` comes from: its clone URL in any form, or its full name on the same
    /// host (on any host when the event has no clone URL).
    static func isPushed(_ text: String, event: PushEvent) -> Bool {
        guard let url = RepositoryURL(text) else { return false }
        let name = event.repository.lowercased()
        guard let clone = RepositoryURL(event.cloneURL) else { return url.path == name }
        return url.host == clone.host && (url.path == clone.path || url.path == name)
    }

    /// Whether an unrendered `repo_url` renders to the pushed repository whatever is pushed (`${clone_url}`, or a URL
    /// built from `${repository}`): what `check` can know without an event.
    static func isPushedTemplate(_ text: String) -> Bool {
        text.contains("${clone_url}") || text.contains("${repository}")
    }
}
