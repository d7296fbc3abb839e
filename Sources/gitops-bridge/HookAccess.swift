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

    /// The rules, the public URL and the hook-log clients; exits 2 with one line when any cannot be had.
    func load(httpClient: ProviderHTTPClient) throws -> (rules: RuleSet, publicURL: String?, logs: [Forge: any HookLog]) {
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
        do {
            return (ruleSet, url, try HookLogs.make(ruleSet.status, resolver: ProcessSecretResolver(), httpClient: httpClient))
        } catch {
            printError("gitops-bridge: \(error)")
            throw ExitCode(2)
        }
    }
}
