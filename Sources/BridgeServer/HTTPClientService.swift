import BridgeProviders
import ServiceLifecycle

/// Owns the bridge's outbound HTTP client for the life of the service group and shuts it down last.
///
/// The client is a `ProviderHTTPClient`, the only kind a provider or reporter accepts: it never follows a redirect,
/// so no token or signature is sent on to wherever a redirect points.
struct HTTPClientService: Service {
    let client: ProviderHTTPClient

    init() {
        client = ProviderHTTPClient(connect: .seconds(10), read: .seconds(60))
    }

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
