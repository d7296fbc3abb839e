import ArgumentParser
import BridgeCore
import BridgeStore
import Foundation

/// Option values from flags, then the environment, then the built-in default.
enum Setting {
    /// An http(s) base URL from a flag or its variable, without trailing slashes; nil when neither is given.
    static func baseURL(_ flag: String?, env: String, flag name: String) throws -> String? {
        let text = value(flag, env: env, default: "")
        guard !text.isEmpty else { return nil }
        guard let url = URLComponents(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false
        else { throw ValidationError("\(name) must be an http:// or https:// URL with a host, got '\(text)'") }
        var trimmed = text
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }

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

    /// A positive integer (or zero, when `allowZero`) from a flag or, failing that, an environment variable; nil when
    /// neither is set.
    static func positiveInteger(_ flag: Int?, env name: String, allowZero: Bool = false) throws -> Int? {
        let least = allowZero ? 0 : 1
        let kind = allowZero ? "an integer of 0 or more" : "a positive integer"
        if let flag {
            guard flag >= least else { throw ValidationError("\(flagName(of: name)) must be \(kind), got \(flag)") }
            return flag
        }
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let value = Int(text), value >= least else { throw ValidationError("\(name) must be \(kind), got '\(text)'") }
        return value
    }

    /// The flag an environment variable stands for: `GITOPS_BRIDGE_CLIENT_BURST` is `--client-burst`.
    static func flagName(of variable: String) -> String {
        "--" + variable.dropFirst("GITOPS_BRIDGE_".count).lowercased().replacingOccurrences(of: "_", with: "-")
    }

    static func rules(_ flag: String?) -> String { value(flag, env: rulesVariable, default: defaultRules) }
    static func database(_ flag: String?) -> String { value(flag, env: databaseVariable, default: defaultDatabase) }
}

/// `--database` and the password flags, shared by `serve` and the commands that read or change records.
struct DatabaseFlags: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "A SQLite file, or a PostgreSQL URL postgres://user@host:5432/db?sslmode=verify-full (env GITOPS_BRIDGE_DATABASE; default ./gitops-bridge.sqlite).",
            valueName: "path-or-url"))
    var database: String?

    @OptionGroup var password: DatabasePasswordFlags

    /// Where the records are, the password resolved; exits 2 with the reason (never a password) when the flags are wrong.
    func location() throws -> DatabaseLocation {
        do {
            return try DatabaseLocation.parse(Setting.database(database), password: try password.resolve())
        } catch {
            printError("gitops-bridge: \(error)")
            throw ExitCode(2)
        }
    }
}

/// The PostgreSQL password flags (`--database-password-file`, `--database-password`), falling back to `PGPASSWORD`.
struct DatabasePasswordFlags: ParsableArguments {
    @Option(help: ArgumentHelp("File holding the PostgreSQL password (a trailing newline is dropped).", valueName: "path"))
    var databasePasswordFile: String?

    @Option(
        help: ArgumentHelp(
            "The PostgreSQL password by reference: env:NAME or file:/path, never the password itself. Without either flag, PGPASSWORD is used.",
            valueName: "reference"))
    var databasePassword: String?

    /// The password the flags or the environment give; the error never holds a password.
    func resolve() throws(StoreError) -> PasswordSource {
        try PasswordSource.resolve(passwordFile: databasePasswordFile, passwordReference: databasePassword, environment: Setting.environment)
    }
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
