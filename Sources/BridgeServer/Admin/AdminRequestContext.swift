import Hummingbird
import NIOCore

/// The admin listener's request context: Hummingbird's basic one plus the connection's peer address, which decides
/// whether a trusted proxy's header is believed (never `X-Forwarded-For`, which any client can send).
public struct AdminRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer of the connection; nil in in-process tests.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
