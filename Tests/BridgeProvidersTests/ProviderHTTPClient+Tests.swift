import BridgeProviders

extension ProviderHTTPClient {
    /// One client for every test of this target, never shut down (a `ProviderHTTPClient` must be shut down before it
    /// is released, so tests share this one as the server shares its own).
    static let forTests = ProviderHTTPClient(connect: .seconds(5), read: .seconds(30))
}
