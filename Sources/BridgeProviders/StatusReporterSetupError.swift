import BridgeCore

/// Why a forge's status reporter could not be built from its `status.<forge>` block: a credential is missing,
/// unreadable or unusable. It names the block's position, the key and the secret's reference, never the secret.
public struct StatusReporterSetupError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }

    /// The secret `reference` (the block's `key`) points to, resolved now so a bad reference stops the bridge at start
    /// rather than failing every status later. With `headerSafe`, it must also be sendable as an HTTP header value as it
    /// is (a token); an app password is base64-encoded and may hold any byte.
    static func secret(
        _ reference: SecretReference?, key: String, of settings: ForgeStatusSettings, resolver: any SecretResolver, headerSafe: Bool
    ) throws(StatusReporterSetupError) -> Secret {
        let place = "\(settings.position): status.\(settings.forge.rawValue).\(key)"
        guard let reference else { throw StatusReporterSetupError("\(place) is missing") }
        let secret: Secret
        do {
            secret = try resolver.resolve(reference)
        } catch {
            throw StatusReporterSetupError("\(place): \(error)")
        }
        if headerSafe && !ForgeFailure.isHeaderSafe(secret.bytes) {
            throw StatusReporterSetupError("\(place): the secret \(reference) has characters an HTTP header cannot carry")
        }
        return secret
    }
}
