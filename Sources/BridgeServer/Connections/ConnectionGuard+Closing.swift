import HTTPTypes
import NIOCore
import NIOHTTPTypes

extension ConnectionGuard {
    /// Registers the connection with the limiter and closes the connection it names (this one when all are busy).
    func register(_ context: ChannelHandlerContext) {
        guard !registered else { return }
        registered = true
        guard let victim = policy.limiter.opened(context.channel) else { return }
        policy.metrics.countClosedConnection(reason: "connection_limit")
        if victim === context.channel { registered = false }
        victim.close(promise: nil)
    }

    /// The body timeout, or the time left for draining, ran out.
    func deadlinePassed(_ context: ChannelHandlerContext) {
        deadline = nil
        guard drained == nil, !answered else {
            context.close(promise: nil)
            return
        }
        guard request == .reading else { return }
        policy.metrics.countClosedConnection(reason: "body_timeout")
        // Fail the application's body stream first: a partial body must never be handled as a whole one.
        context.fireErrorCaught(RequestBodyTimeout())
        guard !responding else {
            context.close(promise: nil)
            return
        }
        answer(.requestTimeout, "request body too slow", context: context) { context.close(promise: nil) }
    }

    /// After an answer that says `Connection: close`: closes at once if the request has fully arrived, otherwise
    /// keeps reading and discarding it (a lingering close) until it ends, the drain limit or the deadline.
    func closeAfterAnswer(_ context: ChannelHandlerContext) {
        guard request != .complete else {
            context.close(promise: nil)
            return
        }
        drained = 0
        if deadline == nil { schedule(after: policy.bodyTimeout, context: context) }
        context.read()
    }

    /// Discards what arrives while the connection closes; closes once the request is over or too much came.
    func discard(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .body(let buffer):
            let total = (drained ?? 0) + buffer.readableBytes
            drained = total
            if total > policy.drainLimit { context.close(promise: nil) }
        case .end:
            request = .complete
            context.close(promise: nil)
        case .head:
            // A request after the answer that said `Connection: close`.
            context.close(promise: nil)
        }
    }

    /// Writes the guard's own answer (JSON, as every answer of the bridge), then runs `then`.
    func answer(
        _ status: HTTPResponse.Status, _ message: String, context: ChannelHandlerContext, then: @escaping () -> Void
    ) {
        answered = true
        deadline?.cancel()
        deadline = nil
        let body = ByteBuffer(string: IntakeResponse.failure(status.code, message, outcome: "").jsonText)
        var head = HTTPResponse(status: status)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = String(body.readableBytes)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in then() }
    }

    func schedule(after delay: TimeAmount, context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { self.deadlinePassed(context) }
    }
}
