import BridgeCore

/// The channel replicas wake each other on (`LISTEN`/`NOTIFY`): a delivery queued runs, a step or a run changed, an
/// outbox row became due. A notification only shortens the wait: every replica also polls, slowly, in case one is lost.
enum PostgresWorkChannel {
    static let name = "gitops_bridge_work"

    /// Announces work when the transaction commits (PostgreSQL sends a transaction's notifications at commit, and one
    /// per channel and payload however often it was asked).
    static func notify(_ sql: PostgresSQL) async throws {
        try await sql.execute("NOTIFY \(name)")
    }
}
