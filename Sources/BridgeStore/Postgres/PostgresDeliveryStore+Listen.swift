import BridgeCore
import Logging
import PostgresNIO
import Synchronization

extension PostgresDeliveryStore {
    /// Calls `onWork` for every notification on the work channel (`PostgresWorkChannel`) until the task is cancelled,
    /// on a connection of its own. When the connection is lost it connects again (after 1 s, doubling up to 30 s) and
    /// calls `onWork` once listening again, since notifications sent meanwhile are lost; the worker's slow poll covers
    /// the time between.
    public func listenForWork(_ onWork: @escaping @Sendable () -> Void) async {
        var delay = Duration.seconds(1)
        while !Task.isCancelled {
            // Whether this attempt got as far as listening (then the next one waits only the shortest delay).
            let listened = Mutex(false)
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: PostgresWorkChannel.name) { notifications in
                        listened.withLock { $0 = true }
                        onWork()
                        for try await _ in notifications { onWork() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "lost the PostgreSQL notification connection; polling until it is back",
                    metadata: ["error": "\(StoreError(postgres: error, during: "listen for work"))"])
            }
            if listened.withLock({ $0 }) { delay = .seconds(1) }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(30))
        }
    }
}
