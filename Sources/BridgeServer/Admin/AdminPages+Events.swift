import BridgeCore
import Hummingbird
import NIOCore

/// `GET /runs/<id>/steps/<n>/log/events`: a step's log, live.
extension AdminPages {
    func logEvents(_ request: Request, _ context: AdminRequestContext) async -> Response {
        guard caller(request, context) != nil else { return BridgeRouter.text(401, "sign in first\n") }
        guard let runID = context.parameters.get("id").flatMap({ Int64($0) }),
            let position = context.parameters.get("position").flatMap({ Int($0) })
        else { return BridgeRouter.text(404, "no such step\n") }
        let step: StepLogView
        do {
            step = try await data.stepLog(run: runID, position: position)
        } catch {
            return BridgeRouter.text(PageError(error).status, "\(PageError(error).message)\n")
        }
        guard let slot = streams.acquire() else {
            var busy = BridgeRouter.text(503, "too many log streams are open; reload the page later\n")
            busy.headers[.retryAfter] = "5"
            return busy
        }
        let stream = LogEventStream(data: data, runID: runID, position: position)
        let body = ResponseBody { writer in
            // The slot lives as long as this closure: released when the stream ends or the client goes away.
            defer { withExtendedLifetime(slot) {} }
            try await stream.run(&writer, first: step)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", .xAccelBuffering: "no"],
            body: body)
    }
}
