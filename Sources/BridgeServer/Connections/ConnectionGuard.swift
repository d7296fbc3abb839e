import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Guards one HTTP/1 connection, placed between Hummingbird's HTTP codec and its request handling.
///
/// - It registers the connection with the listener's `ConnectionLimiter` and closes whichever connection that
///   names, so connections never eat the descriptors the database and the worker need.
/// - A request whose body is still arriving `bodyTimeout` after its head is answered 408 and closed (headers are
///   cut by Hummingbird's idle timeout); its body stream fails, so a partial body is never handled as a whole one.
/// - Headers over the decoder's limits are answered 431 (Hummingbird would answer 400).
/// - An answer given before the request's body was read (413 from `Content-Length`, 404) says `Connection: close`,
///   and the connection closes only once the rest of the body has been read and discarded, within `drainLimit`
///   bytes and the body timeout: a lingering close, so a client that writes its whole body before reading reads
///   the answer rather than a broken pipe. (A pipelined request whose body is still arriving when the previous
///   answer starts is treated alike: that answer closes the connection, and the client sends the request again.)
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    enum RequestState {
        case none, reading, complete
    }

    let policy: ConnectionPolicy
    var request = RequestState.none
    /// A response head was written and its end not yet.
    var responding = false
    /// The response being written answers a request whose body is still arriving.
    var answeredEarly = false
    /// Bytes discarded since the connection started closing; nil while requests are handled normally.
    var drained: Int?
    /// The guard answered by itself (408, 431): what the application writes afterwards is dropped.
    var answered = false
    var deadline: Scheduled<Void>?
    var registered = false

    init(policy: ConnectionPolicy) {
        self.policy = policy
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { register(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        register(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        if registered { policy.limiter.closed(context.channel) }
        registered = false
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard drained == nil, !answered else {
            discard(part, context: context)
            return
        }
        switch part {
        case .head:
            request = .reading
            schedule(after: policy.bodyTimeout, context: context)
        case .body:
            break
        case .end:
            request = .complete
            deadline?.cancel()
            deadline = nil
            policy.limiter.setBusy(context.channel, true)
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // While the connection drains, nothing reaches the application, which therefore asks for no more reads.
        if drained != nil { context.read() }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !answered else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(var head):
            responding = true
            answeredEarly = request == .reading
            if answeredEarly { head.headerFields[.connection] = "close" }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            responding = false
            policy.limiter.setBusy(context.channel, false)
            guard answeredEarly else {
                context.write(data, promise: promise)
                return
            }
            let written = promise ?? context.eventLoop.makePromise(of: Void.self)
            context.write(data, promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in self.closeAfterAnswer(context) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // After an answer, the decoder may complain about what follows it: there is nothing left to tell anyone.
        guard drained == nil, !answered else { return }
        if let error = error as? HTTPParserError, error == .headerOverflow, !responding {
            policy.metrics.countClosedConnection(reason: "header_too_large")
            answer(.init(code: 431, reasonPhrase: "Request Header Fields Too Large"), "request header fields too large", context: context) {
                self.closeAfterAnswer(context)
            }
            return
        }
        context.fireErrorCaught(error)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if drained != nil, case .inputClosed? = event as? ChannelEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
