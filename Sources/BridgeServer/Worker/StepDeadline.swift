import BridgeCore
import Foundation

/// When a provider step must have ended: its `timeout` (`StepTimeout`) counted from its first start, which the store
/// keeps across resumes and retries, so a bridge restarted in the middle of a long deployment does not start the
/// clock again. Steps of the `command` provider have none (their process has its own `timeout`).
struct StepDeadline: Sendable {
    var timeout: Duration
    var date: Date
    /// The provider's name in messages (`CodeDeploy`).
    var label: String

    init?(step: ClaimedStep, request: DeploymentRequest) {
        guard let timeout = StepTimeout.of(provider: request.provider, parameters: request.parameters) else { return nil }
        self.timeout = timeout
        self.date = step.startedAt.addingTimeInterval(DeploymentWorker.seconds(timeout))
        self.label = ProviderDefinition.named(request.provider)?.label ?? request.provider
    }

    func hasPassed(_ now: Date) -> Bool {
        now >= date
    }

    /// What is left at `now`, never negative.
    func remaining(_ now: Date) -> Duration {
        .milliseconds(max(0, Int64((date.timeIntervalSince(now) * 1000).rounded(.up))))
    }

    /// Why a step failed whose deployment `id` was still running at the deadline, and whether stopping it worked.
    func reason(stopping id: String, failure: ProviderError?) -> String {
        let head = "timed out after \(timeout.configText)"
        guard let failure else { return "\(head); \(label) deployment \(id) stopped" }
        return "\(head); stopping \(label) deployment \(id) failed: \(failure)"
    }

    /// Why a step failed that could not start its deployment before the deadline, after `lastError`.
    func notStartedReason(lastError: String?) -> String {
        let head = "timed out after \(timeout.configText) before the \(label) deployment could be started"
        return lastError.map { "\(head); last error: \($0)" } ?? head
    }

    /// Why a retryable error is not retried: the next attempt would come after the deadline.
    func givingUp(_ error: ProviderError) -> String {
        "\(error) (not retried: the step's timeout of \(timeout.configText) passes before the next attempt)"
    }
}
