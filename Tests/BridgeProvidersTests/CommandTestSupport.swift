import BridgeCore
import BridgeProviders
import BridgeTestSupport
import Foundation
import Glibc
import Testing

/// Secrets from a dictionary of environment variable names.
struct TestSecrets: SecretResolver {
    var values: [String: String] = [:]

    func resolve(_ reference: SecretReference) throws(SecretError) -> Secret {
        guard case .environment(let name) = reference, let value = values[name] else {
            throw .missingEnvironment(reference.description)
        }
        return Secret(bytes: Array(value.utf8), reference: reference)
    }
}

/// A directory of its own for one test, removed when the last reference goes.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("command-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    /// Writes `contents` to `name`, executable when asked.
    @discardableResult
    func write(_ name: String, _ contents: String, executable: Bool = false) throws -> String {
        let file = file(name)
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file) }
        return file
    }

    /// The pids a test script wrote to `name`, one a line, once the file is complete (waits up to 5 s).
    func pids(_ name: String, count: Int) async throws -> [pid_t] {
        for _ in 0..<500 {
            let text = (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? ""
            let pids = text.split(separator: "\n").compactMap { pid_t($0) }
            if pids.count >= count { return pids }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("\(name) did not get \(count) pids")
    }

    /// The lines of `name`.
    func lines(_ name: String) throws -> [String] {
        let text = try String(contentsOfFile: file(name), encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum CommandFixtures {
    static let sha = "0123456789abcdef0123456789abcdef01234567"
    static let bridgeEnvironment = [
        "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/home/bridge", "LANG": "C.UTF-8", "LC_TIME": "C",
        "SHOP_GITHUB_SECRET": "bridge-own-secret", "AWS_SECRET_ACCESS_KEY": "bridge-aws-key",
    ]

    /// A deployer for tests: short grace, the fixed bridge environment.
    static func deployer(
        secrets: [String: String] = [:], maximumLogBytes: Int = 64 * 1024, grace: Duration = .seconds(5)
    ) -> CommandDeployer {
        CommandDeployer(
            resolver: TestSecrets(values: secrets), environment: bridgeEnvironment, maximumLogBytes: maximumLogBytes,
            defaultTimeout: .seconds(10), terminationGrace: grace)
    }

    /// A request for a command target with these parameters.
    static func request(_ parameters: [String: ConfigValue], environment: String? = "staging") -> DeploymentRequest {
        DeploymentRequest(
            runID: 17, stepID: 42, target: "smoke", provider: "command", parameters: .object(parameters),
            environment: environment,
            event: PushEvent(forge: .github, repository: "acme/shop", refKind: .branch, refName: "main", sha: sha),
            attempt: 2)
    }

    /// `run` parameters from strings.
    static func run(_ arguments: String...) -> ConfigValue {
        .array(arguments.map(ConfigValue.string))
    }

    /// `/bin/sh -c script`: tests only, to build scenarios (the provider itself never uses a shell).
    static func shell(_ script: String) -> ConfigValue {
        run("/bin/sh", "-c", script)
    }
}

/// Whether `pid` is a live process: it exists and is not a zombie waiting for a parent (or an init that never reaps).
func isAlive(_ pid: pid_t) -> Bool {
    guard kill(pid, 0) == 0 else { return false }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return false }
    return !stat[close...].hasPrefix(") Z")
}

/// Waits up to 2 s for `pids` to be gone; true when they are.
func allGone(_ pids: [pid_t]) async -> Bool {
    for _ in 0..<200 {
        if !pids.contains(where: isAlive) { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return false
}

/// The thrown `ProviderError`, when `start` throws one.
func startError(_ deployer: CommandDeployer, _ request: DeploymentRequest) async -> ProviderError? {
    do {
        _ = try await deployer.start(request)
        return nil
    } catch {
        return error
    }
}
