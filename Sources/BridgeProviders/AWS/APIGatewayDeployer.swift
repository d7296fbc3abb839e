import AsyncHTTPClient
import BridgeCore
import Foundation

/// The `aws-apigateway` provider: deploys a REST API to a stage with API Gateway's `CreateDeployment`
/// (`APIGatewayDeploymentRequest` says which keys become which fields).
///
/// The deployment is live when API Gateway answers 201, so `start` returns a terminal status, `poll` has nothing to
/// wait for and `cancel` nothing to stop. Errors keep AWS's code and message: throttling (429,
/// `TooManyRequestsException`, `LimitExceededException`) and `ConflictException` (409: another change to the API is in
/// progress, such as another deployment) are retryable after `Retry-After` or else at least 5 s, since
/// `CreateDeployment` is limited to one request every 5 s per account (developerguide/limits.html); 5xx and network
/// trouble are retryable; any other answer is permanent (`NotFoundException: Invalid Rest API Id specified`). Steps
/// naming the same REST API never run at once (`StepResource`), so a conflict comes only from outside the bridge.
public struct APIGatewayDeployer: Deployer {
    /// The wait suggested after throttling without `Retry-After`: CreateDeployment's fixed quota period.
    static let throttleWait = Duration.seconds(5)

    private let client: AWSClient

    /// A provider signing with credentials from `credentials`, sending with `httpClient`; `now` dates signatures.
    public init(
        credentials: any AWSCredentialsProvider, httpClient: ProviderHTTPClient, timeout: Duration = .seconds(30),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        client = AWSClient(credentials: credentials, httpClient: httpClient, timeout: timeout, now: now)
    }

    /// Creates the deployment; its id is the external id.
    public func start(
        _ call: APIGatewayDeploymentRequest, step: DeploymentRequest, journal: any StepJournal
    ) async throws(ProviderError) -> DeploymentStart {
        let answer = try await client.call(call.request, to: call.target, classify: Self.classify)
        guard let id = answer.json?["id"]?.stringValue, !id.isEmpty else {
            throw .permanent("apigateway CreateDeployment answered \(answer.status) without a deployment id; is \(call.target.endpoint) API Gateway?")
        }
        let place = call.stage.map { "on stage \($0)" } ?? "without a stage"
        return DeploymentStart(externalID: id, status: .succeeded, log: "deployment \(id) of REST API \(call.restAPIID) created \(place)\n")
    }

    /// Nothing to wait for: a deployment is live once created.
    public func poll(
        _ call: APIGatewayDeploymentRequest, externalID: String, step: DeploymentRequest
    ) async throws(ProviderError) -> DeploymentProgress {
        DeploymentProgress(status: .succeeded)
    }

    /// Nothing to stop: `CreateDeployment` has finished when it answers.
    public func cancel(_ call: APIGatewayDeploymentRequest, externalID: String, step: DeploymentRequest) async throws(ProviderError) {}

    static func classify(_ error: AWSError) -> ProviderError {
        if error.isThrottling || error.code == "LimitExceededException" || error.code == "ConflictException" {
            return .retryable(error.description, retryAfter: error.retryAfter ?? throttleWait)
        }
        if error.isTransient { return .retryable(error.description, retryAfter: error.retryAfter) }
        return .permanent(error.description)
    }
}
