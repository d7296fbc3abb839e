import BridgeCore

/// Resolves the secrets of a forge's `status` block when its reporters are built, so a bad reference stops the bridge
/// at start rather than failing every status later. Errors name the key and the reference, never the secret.
enum ForgeSecret {
    /// The secret the block's `key` points to. With `headerSafe`, it must also be sendable as an HTTP header value as it
    /// is (a token); an app password is base64-encoded and may hold any byte.
    static func resolve(
        _ reference: SecretReference?, key: String, resolver: any SecretResolver, headerSafe: Bool
    ) throws(StatusReportersError) -> Secret {
        guard let reference else { throw StatusReportersError("\(key) is missing") }
        let secret: Secret
        do {
            secret = try resolver.resolve(reference)
        } catch {
            throw StatusReportersError("\(key): \(error)")
        }
        if headerSafe && !ForgeFailure.isHeaderSafe(secret.bytes) {
            throw StatusReportersError("\(key): the secret \(reference) has characters an HTTP header cannot carry")
        }
        return secret
    }
}
