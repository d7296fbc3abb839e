import Foundation
import Yams

extension RulesFileReader {
    /// `status:`: where runs report their status. Only `gitlab` for now.
    mutating func status(_ node: Node) -> GitLabStatusSettings? {
        guard let map = map(node, "status") else { return nil }
        rejectUnknownKeys(map, allowed: ["gitlab"], "status")
        guard let entry = map["gitlab"], let gitlab = self.map(entry.value, "status.gitlab") else { return nil }
        rejectUnknownKeys(gitlab, allowed: ["url", "token"], "status.gitlab")
        let urlNode = required(gitlab, "url", "status.gitlab", owner: entry.keyNode)
        let tokenNode = required(gitlab, "token", "status.gitlab", owner: entry.keyNode)
        let url = urlNode.flatMap { node in string(node, "status.gitlab.url").map { (text: $0, node: node) } }
        if let url, !Self.isHTTPURL(url.text) {
            report("status.gitlab.url must be an http:// or https:// URL with a host", at: url.node)
        }
        let token = tokenNode.flatMap { node in
            string(node, "status.gitlab.token").flatMap { secretReference($0, at: node, "status.gitlab.token") }
        }
        guard let url, let token else { return nil }
        return GitLabStatusSettings(url: url.text, token: token, position: position(of: entry.keyNode))
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return false }
        return true
    }
}
