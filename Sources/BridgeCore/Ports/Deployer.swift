import Foundation

/// One step to deploy, as the worker hands it to a provider: the target's parameters with templates rendered.
public struct DeploymentRequest: Sendable, Hashable {
    public var runID: Int64
    public var stepID: Int64
    /// The target's name in the rules file.
    public var target: String
    /// The provider kind (`command`, `aws-apigateway`, …).
    public var provider: String
    /// Target keys overlaid with the step's keys, every template rendered, from which the provider's typed request is
    /// read (`Deployer.prepare`). Secret-named keys still hold their `env:`/`file:` references: a provider resolves them
    /// with its `SecretResolver` just before use.
    public var parameters: ConfigValue
    /// The rule's environment, if any.
    public var environment: String?
    /// The event that created the run.
    public var event: PushEvent
    /// 1 for the first attempt.
    public var attempt: Int

    public init(
        runID: Int64, stepID: Int64, target: String, provider: String, parameters: ConfigValue, environment: String?,
        event: PushEvent, attempt: Int
    ) {
        self.runID = runID
        self.stepID = stepID
        self.target = target
        self.provider = provider
        self.parameters = parameters
        self.environment = environment
        self.event = event
        self.attempt = attempt
    }
}

/// Where a deployment ended, or that it has not yet.
public enum DeploymentStatus: Sendable, Hashable {
    /// Still going (asynchronous providers); poll again later.
    case inProgress
    case succeeded
    /// The provider's own reason (its message, error code).
    case failed(reason: String)
    case canceled(reason: String)

    /// Whether the deployment has finished.
    public var isTerminal: Bool {
        if case .inProgress = self { return false }
        return true
    }
}

/// What starting a deployment gave.
public struct DeploymentStart: Sendable, Hashable {
    /// The provider's id for the deployment (CodeDeploy `d-…`, Pulumi deployment id, API Gateway deployment id).
    /// Recorded before anything else, so a bridge restarted after a crash polls it instead of deploying again.
    /// Nil for providers with nothing to poll (the `command` provider).
    public var externalID: String?
    /// Terminal for synchronous providers (a command's exit, API Gateway's 201); `.inProgress` for the others.
    public var status: DeploymentStatus
    /// Output worth keeping in the step's log (bounded by the provider).
    public var log: String

    public init(externalID: String?, status: DeploymentStatus, log: String = "") {
        self.externalID = externalID
        self.status = status
        self.log = log
    }
}

/// A poll's answer: the status and any new log text.
public struct DeploymentProgress: Sendable, Hashable {
    public var status: DeploymentStatus
    public var log: String

    public init(status: DeploymentStatus, log: String = "") {
        self.status = status
        self.log = log
    }
}

/// Why a provider call failed, classified for the worker's retry policy. The message is the provider's own
/// (its error code and text), and never contains a credential.
public enum ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Throttling, 5xx, network trouble: worth retrying, after `retryAfter` when the provider said so.
    case retryable(String, retryAfter: Duration? = nil)
    /// Bad request, missing resource, refused credentials: retrying would fail the same way.
    case permanent(String)
    /// A rate limit the service announced (GitHub's primary or secondary limit): waited out until `retryAfter`, never
    /// counted as a failed attempt.
    case rateLimited(String, retryAfter: Duration)

    public var description: String {
        switch self {
        case .retryable(let message, _), .permanent(let message), .rateLimited(let message, _): message
        }
    }

    /// Whether the worker should try again.
    public var isRetryable: Bool {
        if case .permanent = self { return false }
        return true
    }
}

/// A deployment provider: starts a deployment, polls it to a terminal state, cancels it.
///
/// Implementations name their technology (`CommandDeployer`, `CodeDeployDeployer`) and serve one provider: the one
/// whose typed `Request` they run (`ProviderRequest`, registered in Core with a `ProviderDefinition`). The worker reads
/// that request once per step (`prepare(_:)`) and hands it to every call. Cancellation of the calling task must stop
/// whatever the provider started locally (a command's process group).
public protocol Deployer: Sendable {
    /// What one step sends or runs, read from its rendered parameters.
    associatedtype Request: ProviderRequest

    /// Starts the deployment of `request` for `step`, recording its progress in `journal` (a provider with a deployment
    /// id of its own ignores it).
    func start(_ request: Request, step: DeploymentRequest, journal: any StepJournal) async throws(ProviderError) -> DeploymentStart
    /// The status of a deployment started earlier (possibly by a bridge process that has since crashed).
    func poll(_ request: Request, externalID: String, step: DeploymentRequest) async throws(ProviderError) -> DeploymentProgress
    /// Asks the provider to stop a deployment started earlier.
    func cancel(_ request: Request, externalID: String, step: DeploymentRequest) async throws(ProviderError)
}

extension Deployer {
    /// The provider kind it serves (`command`, `aws-codedeploy`, …): its request's.
    public var provider: String { Request.provider }

    /// Reads `step`'s request from its rendered parameters, once, for the calls that follow; throws a permanent error
    /// when the parameters cannot make one.
    public func prepare(_ step: DeploymentRequest) throws(ProviderError) -> PreparedDeployment {
        PreparedDeployment(self, request: try Request.read(parameters: step.parameters, event: step.event), step: step)
    }
}
