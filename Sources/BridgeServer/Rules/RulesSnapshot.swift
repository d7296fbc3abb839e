import BridgeCore
import BridgeProviders
import Foundation

/// One version of the rules, ready to serve: the loaded rules, their sources with resolved secrets, and the status
/// reporters and delivery-log readers their `status` blocks configure. A delivery is planned entirely under one snapshot.
public struct RulesSnapshot: Sendable {
    public let rules: RuleSet
    public let sources: SourceRegistry
    /// By `StatusReporterKind` name.
    public let statusReporters: [String: any StatusReporter]
    /// The forges' delivery logs recovery reads, with the `status` blocks' credentials.
    public let hookLogs: [Forge: any HookLog]
    /// `sha256:<hex>` of the rules files' names and contents; nil when it could not be computed.
    public let version: String?

    public init(
        rules: RuleSet, sources: SourceRegistry, statusReporters: [String: any StatusReporter] = [:], hookLogs: [Forge: any HookLog] = [:],
        version: String? = nil
    ) {
        self.rules = rules
        self.sources = sources
        self.statusReporters = statusReporters
        self.hookLogs = hookLogs
        self.version = version
    }

    /// Loads and fully validates the rules at `path` (secrets resolved, reporters built): the same at start and on reload.
    /// The error lists every problem with its file, line and column, and never a secret.
    public static func build(path: String, resolver: any SecretResolver, httpClient: ProviderHTTPClient) throws(StartupError) -> Self {
        // The version is the digest of the very contents parsed (one read), so it names exactly these rules.
        let rules: RuleSet
        let version: String
        do {
            let loaded = try RulesLoader.loadWithContents(path: path)
            rules = loaded.rules
            version = AdminData.digest(contents: loaded.files)
        } catch {
            throw StartupError("rules \(path) are invalid:\n\(error)")
        }
        let sources: SourceRegistry
        do {
            sources = try SourceRegistry(rules: rules, resolver: resolver)
        } catch {
            throw StartupError("cannot resolve the secrets of the rules' sources:\n\(error)")
        }
        let reporters: [String: any StatusReporter]
        let hookLogs: [Forge: any HookLog]
        do {
            reporters = try StatusReporters.make(rules.status, resolver: resolver, httpClient: httpClient)
            hookLogs = try HookLogs.make(rules.status, resolver: resolver, httpClient: httpClient)
        } catch {
            throw StartupError(error.description)
        }
        return Self(rules: rules, sources: sources, statusReporters: reporters, hookLogs: hookLogs, version: version)
    }

    /// The digest of the rules files at `path` now (following symlinks, so a ConfigMap's `..data` swap changes it); nil
    /// when they cannot be listed or read.
    public static func contentDigest(path: String) -> String? {
        guard let files = try? RulesLoader.files(at: path) else { return nil }
        return AdminData.digest(files: files)
    }
}
