import Hummingbird
import NIOCore

/// The webhook listener's request context: Hummingbird's basic one plus the connection's peer address, which keys the
/// client's rate limit.
public struct WebhookRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer of the connection; nil in in-process tests.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
