import BridgeCore

/// What a `command` step runs, read and checked from its parameters: argv, environment, working directory, timeout.
///
/// The rules loader has already checked these shapes; they are checked again here because parameters are stored and
/// read back, and a bad value must fail the step with a clear message rather than run something unintended.
struct CommandInvocation: Sendable {
    /// The program (`run[0]`, as written) and its arguments, one entry each.
    var arguments: [String]
    /// The child's whole environment.
    var environment: [String: String]
    /// The working directory (`dir`); nil for the bridge's own.
    var directory: String?
    var timeout: Duration
    /// The timeout as a user wrote it (`5m`), for the failure reason.
    var timeoutText: String
    /// Resolved secret values passed in the environment, to mask in the log.
    var secrets: [String]

    /// Variables of the bridge's environment the child inherits; everything else (the bridge's own secrets, cloud
    /// credentials) stays out unless the target's `env` passes it on. `LC_*` variables are inherited too.
    static let inheritedVariables: Set<String> = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR"]
    /// The search path when the bridge has none.
    static let defaultPath = "/usr/local/bin:/usr/bin:/bin"

    /// Reads `request.parameters`; a bad value, or a secret that cannot be resolved, is a permanent error.
    init(
        request: DeploymentRequest, bridgeEnvironment: [String: String], resolver: any SecretResolver, defaultTimeout: Duration
    ) throws(ProviderError) {
        guard case .object(let parameters) = request.parameters else {
            throw .permanent("the parameters of a command target must be a map, found \(request.parameters)")
        }
        arguments = try Self.arguments(parameters["run"])
        (timeout, timeoutText) = try Self.timeout(parameters["timeout"], default: defaultTimeout)
        directory = try Self.directory(parameters["dir"])
        environment = Self.inherited(from: bridgeEnvironment).merging(Self.standardVariables(request)) { $1 }
        let (variables, secrets) = try Self.targetVariables(parameters["env"], resolver: resolver)
        environment.merge(variables) { $1 }
        self.secrets = secrets
    }

    /// The program as written in `run[0]` (never empty: `init` checked).
    var program: String { arguments[0] }

    /// The environment as `NAME=value` entries, sorted.
    var environmentEntries: [String] {
        environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// The variables describing the step: `GITOPS_SHA`, `GITOPS_REF`, `GITOPS_REPOSITORY`, `GITOPS_ENVIRONMENT` (only
    /// when the rule names one), `GITOPS_TARGET`, `GITOPS_RUN`, `GITOPS_STEP` and `GITOPS_ATTEMPT`.
    static func standardVariables(_ request: DeploymentRequest) -> [String: String] {
        var variables = [
            "GITOPS_SHA": request.event.sha,
            "GITOPS_REF": request.event.ref,
            "GITOPS_REPOSITORY": request.event.repository,
            "GITOPS_TARGET": request.target,
            "GITOPS_RUN": String(request.runID),
            "GITOPS_STEP": String(request.stepID),
            "GITOPS_ATTEMPT": String(request.attempt),
        ]
        if let environment = request.environment { variables["GITOPS_ENVIRONMENT"] = environment }
        return variables
    }

    private static func inherited(from bridgeEnvironment: [String: String]) -> [String: String] {
        var inherited = bridgeEnvironment.filter { inheritedVariables.contains($0.key) || $0.key.hasPrefix("LC_") }
        if inherited["PATH", default: ""].isEmpty { inherited["PATH"] = defaultPath }
        return inherited
    }

    private static func arguments(_ value: ConfigValue?) throws(ProviderError) -> [String] {
        guard let value else { throw .permanent("run is required: a non-empty list of strings, the program and its arguments") }
        guard case .array(let elements) = value, !elements.isEmpty else {
            throw .permanent("run must be a non-empty list of strings (one argument each, no shell), found \(value)")
        }
        var arguments: [String] = []
        for (index, element) in elements.enumerated() {
            guard let text = element.stringValue else { throw .permanent("run[\(index)] must be a string, found \(element)") }
            guard !text.contains("\0") else { throw .permanent("run[\(index)] contains a NUL character") }
            arguments.append(text)
        }
        guard !arguments[0].isEmpty else { throw .permanent("run[0], the program, must not be empty") }
        return arguments
    }

    private static func timeout(_ value: ConfigValue?, default defaultTimeout: Duration) throws(ProviderError) -> (Duration, String) {
        guard let value, value != .null else { return (defaultTimeout, defaultTimeout.configText) }
        guard let text = value.stringValue, let timeout = Duration(configText: text) else {
            throw .permanent("timeout must be a duration such as 30s, 5m, 1h or 1h30m, found \(value)")
        }
        return (timeout, text)
    }

    private static func directory(_ value: ConfigValue?) throws(ProviderError) -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue, !text.isEmpty, !text.contains("\0") else {
            throw .permanent("dir must be a directory path, found \(value)")
        }
        return text
    }
}

extension Duration {
    /// The duration as rules-file text: `10m`, `1h30m`, `250ms`.
    fileprivate var configText: String {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        guard milliseconds % 1000 == 0 else { return "\(milliseconds)ms" }
        let parts = [(seconds / 3600, "h"), (seconds % 3600 / 60, "m"), (seconds % 60, "s")].filter { $0.0 > 0 }
        return parts.isEmpty ? "0s" : parts.map { "\($0.0)\($0.1)" }.joined()
    }
}
