import BridgeCore
import Foundation
import GRDB

/// `gitops-bridge runs cancel` and `runs retry` (`WorkQueue.cancelRun`, `retryRun`): the run's row is written by SQLite's
/// single writer, so nothing changes it between the read and the write.
extension SQLiteDeliveryStore {
    public func changeRun(
        id: Int64, now: Date, _ decide: @escaping @Sendable (RunState) throws(StoreError) -> RunChange
    ) async throws(StoreError) -> RunSummary {
        let now = StoredTime.milliseconds(now)
        return try await writing("change run \(id)") { db in
            try Self.changeRun(id, now: now, in: db, decide)
            return try Self.runSummary(id, in: db)
        }
    }
}
