/// What a provider records about its step while the step runs, durably, before it goes on: the worker's side of
/// one attempt.
///
/// The `command` provider uses it to run a step's command at most once at a time across crashes: it records each
/// process before the program runs, ends a copy an earlier attempt left running, and records the command's outcome
/// the moment it exits. Providers with a deployment id of their own (`DeploymentStart.externalID`) ignore it.
public protocol StepJournal: Sendable {
    /// The process an earlier attempt of this step started and whose outcome was never recorded (the bridge stopped
    /// while it ran): it may still be running. Nil on a first attempt.
    var earlierProcess: LocalProcess? { get }
    /// Records the process this attempt has just created, before it runs the program. When this throws, the
    /// program must not run.
    func recordProcess(_ process: LocalProcess) async throws(ProviderError)
    /// Records the step's terminal `status`, with `log`, the moment it is known, before any slow clean-up; returns
    /// whether it was recorded. When it was, the provider's `start` returns only the log written after.
    func recordOutcome(_ status: DeploymentStatus, log: String) async -> Bool
    /// Adds what the step wrote while it runs to its log at once, so the log can be followed live (the admin pages'
    /// step log); returns whether it was added. What was added is not given again to `recordOutcome` or in `start`'s
    /// answer; what was not is.
    func appendLog(_ text: String) async -> Bool
    /// Adds a note to the step, shown with it by `gitops-bridge runs show` (what became of an earlier copy).
    func note(_ text: String) async
}

/// A journal that keeps nothing, for a provider called outside the worker (tests, tools): no earlier process, and
/// no outcome recorded early.
public struct UnrecordedStepJournal: StepJournal {
    public init() {}

    public var earlierProcess: LocalProcess? { nil }
    public func recordProcess(_ process: LocalProcess) async throws(ProviderError) {}
    public func recordOutcome(_ status: DeploymentStatus, log: String) async -> Bool { false }
    public func appendLog(_ text: String) async -> Bool { false }
    public func note(_ text: String) async {}
}
