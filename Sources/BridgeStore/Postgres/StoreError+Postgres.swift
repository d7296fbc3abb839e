import BridgeCore

extension StoreError {
    /// Why connecting to `settings` failed, as a user can act on it: the server, and the server's, the network's or
    /// TLS's own reason. Never the password: no part of the reason holds it (PostgreSQL does not echo it).
    init(connectingTo settings: PostgresSettings, _ error: any Error) {
        let reason = PostgresFailure(settings: settings).reason(error)
        self = .unavailable(
            "cannot connect to PostgreSQL at \(settings.endpoint) as user \(settings.user), database \(settings.database): \(reason)")
    }
}
