import BridgeCore
import Foundation

extension BitbucketFake {
    /// A build status's `state`, as the API documents it.
    public static let states: Set<String> = ["INPROGRESS", "SUCCESSFUL", "FAILED", "STOPPED"]
    /// The longest `key` Bitbucket takes.
    public static let maxKeyLength = 40

    /// A build status as the fake keeps it.
    public struct BuildStatus: Sendable, Hashable {
        /// `{…}`, kept across updates of the same key.
        public var uuid: String
        /// `workspace/repo_slug` as the fake knows it.
        public var repository: String
        public var sha: String
        public var key: String
        public var state: String
        public var url: String
        /// Nil when not sent.
        public var name: String?
        public var description: String?
        public var refname: String?
        public var createdOn: Date
        public var updatedOn: Date
    }

    /// A post's fields checked the way Bitbucket's (Django) form does: a message per refused field, by field name.
    static func fieldErrors(_ body: [String: ConfigValue]) -> [String: String] {
        var errors: [String: String] = [:]
        let text = { (key: String) -> String? in
            guard let value = body[key], value != .null else { return nil }
            return value.stringValue ?? value.jsonText
        }
        switch text("key") {
        case nil, "": errors["key"] = "This field is required."
        case let key?:
            if key.count > maxKeyLength { errors["key"] = "Ensure this value has at most \(maxKeyLength) characters (it has \(key.count))." }
        }
        switch text("state") {
        case nil, "": errors["state"] = "This field is required."
        case let state?:
            if !states.contains(state) { errors["state"] = "Select a valid choice. \(state) is not one of the available choices." }
        }
        switch text("url") {
        case nil, "": errors["url"] = "This field is required."
        case let url?: if !isValidURL(url) { errors["url"] = "Enter a valid URL." }
        }
        return errors
    }

    /// An http(s) URL with a host Django's `URLValidator` takes: `localhost`, an IPv4 or bracketed IPv6 address, or a
    /// dotted name ending in a top-level domain of letters.
    static func isValidURL(_ text: String) -> Bool {
        guard !text.contains(where: \.isWhitespace), let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host?.lowercased(), !host.isEmpty
        else { return false }
        if host == "localhost" || text.lowercased().hasPrefix("\(scheme)://[") { return true }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count == 4, labels.allSatisfy({ UInt8($0) != nil }) { return true }
        guard labels.count >= 2, let top = labels.last, top.count >= 2 else { return false }
        return top.allSatisfy(\.isLetter) || top.hasPrefix("xn--")
    }
}

/// Everything the Bitbucket fake remembers.
struct BitbucketFakeState: Sendable {
    /// One per repository, commit and key, oldest first.
    var statuses: [BitbucketFake.BuildStatus] = []
    /// Every accepted post, oldest first.
    var history: [BitbucketFake.BuildStatus] = []
    var nextUUID = 1

    /// Creates the status, or updates the one with the same repository, commit and key (keeping its uuid and creation
    /// time); returns it as kept.
    mutating func post(_ status: BitbucketFake.BuildStatus) -> BitbucketFake.BuildStatus {
        var status = status
        if let index = statuses.firstIndex(where: { $0.repository == status.repository && $0.sha == status.sha && $0.key == status.key }) {
            status.uuid = statuses[index].uuid
            status.createdOn = statuses[index].createdOn
            statuses[index] = status
        } else {
            status.uuid = String(format: "{00000000-0000-4000-8000-%012d}", nextUUID)
            nextUUID += 1
            statuses.append(status)
        }
        history.append(status)
        return status
    }

    func statuses(repository: String, sha: String) -> [BitbucketFake.BuildStatus] {
        statuses.filter { $0.repository == repository && $0.sha == sha }
    }
}
