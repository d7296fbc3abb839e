import Foundation
import Yams

extension RulesFileReader {
    /// `status:`: where runs report their status, one block per forge (`StatusForge` says which keys each takes).
    mutating func status(_ node: Node) -> [ForgeStatusSettings] {
        guard let map = map(node, "status") else { return [] }
        let forges = StatusForge.all.map(\.forge.rawValue)
        rejectUnknownKeys(map, allowed: forges, "status")
        return StatusForge.all.compactMap { definition in
            map[definition.forge.rawValue].flatMap { forgeStatus(definition, $0.keyNode, $0.value) }
        }
    }

    private static let secretKeys: Set<String> = ["token", "private_key", "app_password"]

    private mutating func forgeStatus(_ definition: StatusForge, _ keyNode: Node, _ node: Node) -> ForgeStatusSettings? {
        let what = "status.\(definition.forge.rawValue)"
        guard let block = map(node, what) else { return nil }
        rejectUnknownKeys(block, allowed: ["url"] + definition.keys.sorted(), what)
        var url = definition.defaultURL
        if definition.defaultURL == nil { _ = required(block, "url", what, owner: keyNode) }
        if let urlNode = block["url"]?.value, let text = string(urlNode, "\(what).url") {
            if Self.isHTTPURL(text) {
                url = Self.trimmingSlashes(text)
            } else {
                report("\(what).url must be an http:// or https:// URL with a host", at: urlNode)
                url = nil
            }
        }
        var values: [String: String] = [:]
        var secrets: [String: SecretReference] = [:]
        for key in definition.keys.sorted() {
            guard let valueNode = block[key]?.value, let text = string(valueNode, "\(what).\(key)") else { continue }
            if Self.secretKeys.contains(key) {
                secrets[key] = secretReference(text, at: valueNode, "\(what).\(key)")
            } else {
                values[key] = text
            }
        }
        // Keys written count as given even when their value was refused (that error is reported already).
        let present = Set(block.keys)
        if !definition.credentials.contains(where: { Set($0).isSubset(of: present) }) {
            let choices = definition.credentials.map { $0.joined(separator: " + ") }.joined(separator: ", or ")
            report("\(what) needs credentials: \(choices)", at: keyNode)
            return nil
        }
        guard let url else { return nil }
        return ForgeStatusSettings(
            forge: definition.forge, url: url, token: secrets["token"], appID: values["app_id"], privateKey: secrets["private_key"],
            installationID: values["installation_id"], username: values["username"], appPassword: secrets["app_password"],
            position: position(of: keyNode))
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return false }
        return true
    }

    static func trimmingSlashes(_ text: String) -> String {
        var base = text.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}
