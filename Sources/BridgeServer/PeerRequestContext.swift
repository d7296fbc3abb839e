import Hummingbird
import NIOCore

/// A listener's request context: Hummingbird's basic one plus the connection's peer address. Both listeners use it.
public struct PeerRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer of the connection; nil in in-process tests.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}

/// The webhook listener's: the peer keys the client's rate limit.
public typealias WebhookRequestContext = PeerRequestContext

/// The admin listener's: the peer decides whether a trusted proxy's header is believed (never `X-Forwarded-For`, which
/// any client can send).
public typealias AdminRequestContext = PeerRequestContext
