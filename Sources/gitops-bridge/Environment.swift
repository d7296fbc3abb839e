import ArgumentParser
import BridgeCore
import Foundation

/// Option values from flags, then the environment, then the built-in default.
enum Setting {
    static let environment = ProcessInfo.processInfo.environment

    static func value(_ flag: String?, env name: String, default fallback: String) -> String {
        if let flag { return flag }
        if let value = environment[name], !value.isEmpty { return value }
        return fallback
    }

    static let rulesVariable = "GITOPS_BRIDGE_RULES"
    static let databaseVariable = "GITOPS_BRIDGE_DATABASE"
    static let listenVariable = "GITOPS_BRIDGE_LISTEN"
    static let defaultRules = "rules/example.yaml"
    static let defaultDatabase = "gitops-bridge.sqlite"
    static let defaultListen = "127.0.0.1:8080"

    /// A positive integer from a flag or, failing that, an environment variable; nil when neither is set.
    static func positiveInteger(_ flag: Int?, env name: String) throws -> Int? {
        if let flag {
            guard flag > 0 else { throw ValidationError("the value must be a positive integer, got \(flag)") }
            return flag
        }
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let value = Int(text), value > 0 else { throw ValidationError("\(name) must be a positive integer, got '\(text)'") }
        return value
    }

    static func rules(_ flag: String?) -> String { value(flag, env: rulesVariable, default: defaultRules) }
    static func database(_ flag: String?) -> String { value(flag, env: databaseVariable, default: defaultDatabase) }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Loads the rules named by a `--rules` flag (or its environment and default); prints every error and exits 1.
func loadRules(_ flag: String?) throws -> RuleSet {
    do {
        return try RulesLoader.load(path: Setting.rules(flag))
    } catch {
        print(error.description)
        throw ExitCode(1)
    }
}
