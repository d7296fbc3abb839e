import ArgumentParser
import BridgeCore
import BridgeServer

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a rules file or directory; list every error with file, line and column (exit 1 if any).")

    @Argument(help: "Rules file or directory (default: env GITOPS_BRIDGE_RULES or rules/example.yaml).")
    var rules: String?

    @Flag(help: "Also check that every secret reference (env:, file:) can be read here.")
    var resolveSecrets = false

    func run() throws {
        let path = Setting.rules(rules)
        let ruleSet: RuleSet
        do {
            ruleSet = try RulesLoader.load(path: path)
        } catch {
            print(error.description)
            print("\(error.diagnostics.count) error\(error.diagnostics.count == 1 ? "" : "s") in \(path)")
            throw ExitCode(1)
        }
        if resolveSecrets {
            let resolver = ProcessSecretResolver()
            do {
                _ = try SourceRegistry(rules: ruleSet, resolver: resolver)
            } catch {
                print(error.description)
                throw ExitCode(1)
            }
            for settings in ruleSet.status.forges.values.sorted(by: { $0.forge.rawValue < $1.forge.rawValue }) {
                for (key, reference) in settings.secrets {
                    do {
                        let secret = try resolver.resolve(reference)
                        // A GitHub App's key must be one the host's OpenSSL can sign with: found now, not at start-up.
                        if key == "private_key", let appID = settings.appID {
                            _ = try GitHubAppJWT(appID: appID, privateKey: secret)
                        }
                    } catch {
                        print("\(settings.position): status.\(settings.forge.rawValue).\(key): \(error)")
                        throw ExitCode(1)
                    }
                }
            }
        }
        for note in StatusNotes.notes(for: ruleSet) {
            print("note: \(note)")
        }
        print(
            "\(path): ok — \(ruleSet.sources.count) sources, \(ruleSet.targets.count) targets, \(ruleSet.rules.count) rules"
                + (ruleSet.files.count > 1 ? " in \(ruleSet.files.count) files" : ""))
    }
}
