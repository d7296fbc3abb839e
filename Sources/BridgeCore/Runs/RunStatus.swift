/// Where a run is in its life (DESIGN §4).
///
/// `queued` → `running` → `succeeded` | `failed` | `canceled`; `queued` → `canceled` | `superseded`; a retry moves
/// `failed` | `canceled` | `superseded` back to `queued`. `RunLifecycle` makes every move; stores persist them.
public enum RunStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case queued
    case running
    case succeeded
    case failed
    case canceled
    case superseded

    /// Queued or running: the worker still has something to do for it.
    public var isActive: Bool { self == .queued || self == .running }

    /// Failed, canceled or superseded: `runs retry` may run it again.
    public var isRetryable: Bool { self == .failed || self == .canceled || self == .superseded }

    /// Whether a run in this status, newer than a queued run of the same rule and environment, supersedes it: any
    /// run that was not itself superseded or canceled.
    public var supersedesOlderRuns: Bool { self != .superseded && self != .canceled }

    /// The statuses that supersede older queued runs, for a store's query.
    public static let superseding = allCases.filter(\.supersedesOlderRuns)
}

/// Where a step is in its life.
///
/// `pending` → `running` (claimed) → `succeeded` | `failed` | `canceled`, or back to `pending` (given back for a retry,
/// or its lease released); a pending step of an ended run becomes `skipped` (never tried) or `canceled` (tried
/// before); a retried run's `failed`, `canceled` and `skipped` steps are `pending` again.
public enum StepStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pending
    case running
    case succeeded
    case failed
    case canceled
    case skipped

    /// Succeeded, failed, canceled or skipped: nothing more happens to it (until a retry), nor to its log.
    public var isFinished: Bool { self != .pending && self != .running }

    /// The steps `runs retry` runs again.
    public var isRetriedWithItsRun: Bool { self == .failed || self == .canceled || self == .skipped }
}
