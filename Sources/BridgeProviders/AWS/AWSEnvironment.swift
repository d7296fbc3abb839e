import BridgeCore
import Foundation

/// The process environment as the AWS credentials chain reads it: an empty variable counts as unset (as in
/// botocore), `~` in paths means `HOME`, and files are read through here so every location is injectable.
struct AWSEnvironment: Sendable {
    let variables: [String: String]

    init(_ variables: [String: String]) {
        self.variables = variables
    }

    subscript(name: String) -> String? {
        guard let value = variables[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// Whether `name` is set to `true` (any case), as botocore reads its boolean variables.
    func isTrue(_ name: String) -> Bool {
        self[name]?.lowercased() == "true"
    }

    /// `path` with a leading `~/` (or a lone `~`) replaced by `HOME`.
    func expandingHome(_ path: String) -> String {
        guard let home = self["HOME"], path == "~" || path.hasPrefix("~/") else { return path }
        return home + path.dropFirst()
    }

    /// The shared credentials file: `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`; nil without `HOME`.
    var credentialsFilePath: String? {
        if let path = self["AWS_SHARED_CREDENTIALS_FILE"] { return expandingHome(path) }
        return self["HOME"].map { $0 + "/.aws/credentials" }
    }

    /// The shared config file: `AWS_CONFIG_FILE`, else `~/.aws/config`; nil without `HOME`.
    var configFilePath: String? {
        if let path = self["AWS_CONFIG_FILE"] { return expandingHome(path) }
        return self["HOME"].map { $0 + "/.aws/config" }
    }

    /// The text of the file at `path`; nil when there is no such file. Any other failure is permanent.
    static func readFileIfPresent(_ path: String, what: String) throws(ProviderError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try readFile(path, what: what)
    }

    /// The text of the file at `path`; a missing or unreadable file is a permanent error naming `what` and the path
    /// (never the content).
    static func readFile(_ path: String, what: String) throws(ProviderError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "it is not readable" : "there is no such file"
            throw .permanent("cannot read \(what) \(path): \(reason)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
