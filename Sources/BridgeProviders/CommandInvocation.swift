import BridgeCore

/// What a `command` step runs, ready to spawn: its request (`CommandRequest`) with the child's whole environment, its
/// secrets resolved, and the timeout settled.
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

    /// `command` for `step`, over `inheritedEnvironment` (`inherited(from:)` of the bridge's); a secret that cannot be
    /// resolved is a permanent error.
    init(
        _ command: CommandRequest, step: DeploymentRequest, inheritedEnvironment: [String: String], resolver: any SecretResolver,
        defaultTimeout: Duration
    ) throws(ProviderError) {
        arguments = command.arguments
        timeout = command.timeout?.duration ?? defaultTimeout
        timeoutText = command.timeout?.text ?? defaultTimeout.configText
        directory = command.directory
        environment = inheritedEnvironment.merging(Self.standardVariables(step)) { $1 }
        let (variables, secrets) = try Self.targetVariables(command.variables, resolver: resolver)
        environment.merge(variables) { $1 }
        self.secrets = secrets
    }

    /// The program as written in `run[0]` (never empty: `CommandRequest` checked).
    var program: String { arguments[0] }

    /// The environment as `NAME=value` entries, sorted.
    var environmentEntries: [String] {
        environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// The variables describing the step: `GITOPS_SHA`, `GITOPS_REF`, `GITOPS_REPOSITORY`, `GITOPS_ENVIRONMENT` (only
    /// when the rule names one), `GITOPS_TARGET`, `GITOPS_RUN`, `GITOPS_STEP` and `GITOPS_ATTEMPT`.
    static func standardVariables(_ step: DeploymentRequest) -> [String: String] {
        var variables = [
            "GITOPS_SHA": step.event.sha,
            "GITOPS_REF": step.event.ref,
            "GITOPS_REPOSITORY": step.event.repository,
            "GITOPS_TARGET": step.target,
            "GITOPS_RUN": String(step.runID),
            "GITOPS_STEP": String(step.stepID),
            "GITOPS_ATTEMPT": String(step.attempt),
        ]
        if let environment = step.environment { variables["GITOPS_ENVIRONMENT"] = environment }
        return variables
    }

    /// The variables of the bridge's environment a child gets, `PATH` set to `defaultPath` when missing or empty.
    static func inherited(from bridgeEnvironment: [String: String]) -> [String: String] {
        var inherited = bridgeEnvironment.filter { inheritedVariables.contains($0.key) || $0.key.hasPrefix("LC_") }
        if inherited["PATH", default: ""].isEmpty { inherited["PATH"] = defaultPath }
        return inherited
    }
}
