import AsyncHTTPClient
import NIOCore
import ServiceLifecycle

/// Owns the bridge's outbound HTTP client for the life of the service group and shuts it down last.
///
/// Redirects are not followed: a token header such as GitLab's `PRIVATE-TOKEN` would otherwise be sent on to
/// wherever a redirect points (AsyncHTTPClient only strips `Authorization` across origins). A 3xx is reported as
/// a permanent error naming its target instead.
struct HTTPClientService: Service {
    let client: HTTPClient

    init() {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
