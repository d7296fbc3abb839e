import ArgumentParser
import BridgeCore
import BridgeProviders
import BridgeServer
import Foundation

/// What `reconcile` and `doctor` share: the rules, the bridge's public URL, and the forges' hook-log clients built with
/// the `status` blocks' credentials.
struct HookAccessOptions: ParsableArguments {
    @Option(help: "Rules file or directory (env GITOPS_BRIDGE_RULES; default rules/example.yaml).")
    var rules: String?

    @Option(
        help:
            "The webhook listener's public address, as serve is given it: a source's hook is the one calling <url>/hooks/<source> (env GITOPS_BRIDGE_PUBLIC_URL; default none: recover.hook names it)."
    )
    var publicURL: String?

    @Option(help: "Only this source.")
    var source: String?

    /// What `load` gives.
    struct Loaded {
        var rules: RuleSet
        var publicURL: String?
        var logs: [Forge: any HookLog]
        /// Why a forge's `status` block gave no client (its secret cannot be read).
        var unreadable: [Forge: String]
    }

    /// The rules, the public URL and the hook-log clients; exits 2 with one line when the rules or the URL cannot be had.
    func load(httpClient: ProviderHTTPClient) throws -> Loaded {
        let path = Setting.rules(rules)
        let ruleSet: RuleSet
        do {
            ruleSet = try RulesLoader.load(path: path)
        } catch {
            printError("gitops-bridge: rules \(path) are invalid:\n\(error)")
            throw ExitCode(2)
        }
        if let source, ruleSet.sources[source] == nil {
            printError("gitops-bridge: no source \(source) in \(path)")
            throw ExitCode(2)
        }
        let url = try Setting.baseURL(publicURL, env: "GITOPS_BRIDGE_PUBLIC_URL", flag: "--public-url")
        let built = HookLogs.makeEach(ruleSet.status, resolver: ProcessSecretResolver(), httpClient: httpClient)
        return Loaded(rules: ruleSet, publicURL: url, logs: built.logs, unreadable: built.problems.mapValues(\.description))
    }
}

/// Runs `body` with a provider HTTP client that is shut down however `body` ends (AsyncHTTPClient traps on a client
/// dropped without a shutdown).
func withProviderHTTPClient<T>(_ body: (ProviderHTTPClient) async throws -> T) async throws -> T {
    let client = ProviderHTTPClient()
    do {
        let result = try await body(client)
        try? await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}
