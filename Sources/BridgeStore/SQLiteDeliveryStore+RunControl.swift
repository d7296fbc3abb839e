import BridgeCore
import Foundation
import GRDB

/// `gitops-bridge runs cancel` and `runs retry`.
extension SQLiteDeliveryStore {
    /// `RunLifecycle.cancel` decides; a finished run is a `StoreError.conflict`.
    public func cancelRun(id: Int64, now: Date) async throws(StoreError) -> RunSummary {
        let now = StoredTime.milliseconds(now)
        return try await writing("cancel run \(id)") { db in
            try Self.changeRun(id, now: now, in: db, RunLifecycle.cancel)
            return try Self.runSummary(id, in: db)
        }
    }

    /// `RunLifecycle.retry` decides; only a failed, canceled or superseded run may be retried.
    public func retryRun(id: Int64, now: Date) async throws(StoreError) -> RunSummary {
        let now = StoredTime.milliseconds(now)
        return try await writing("retry run \(id)") { db in
            try Self.changeRun(id, now: now, in: db, RunLifecycle.retry)
            return try Self.runSummary(id, in: db)
        }
    }
}
