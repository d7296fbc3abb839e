import BridgeCore
import Foundation
import Hummingbird

/// The read routes (viewer role): lists with cursors and filters, records, a step's log, and the rules' summary.
extension AdminRouter {
    func addReadRoutes(_ api: RouterGroup<AdminRequestContext>) {
        read(api, "/overview") { _, _ throws(AdminAnswer) in try await Self.stored { () async throws(StoreError) in try await data.overview() } }
        read(api, "/deliveries") { request, _ throws(AdminAnswer) in
            let query = try AdminQuery(request).deliveryQuery()
            return try await Self.stored { () async throws(StoreError) in try await data.deliveries(query) }
        }
        read(api, "/deliveries/:id") { _, context throws(AdminAnswer) in
            let id = try Self.id(context)
            return try await Self.stored { () async throws(StoreError) in try await data.delivery(id: id) }
        }
        read(api, "/runs") { request, _ throws(AdminAnswer) in
            let query = try AdminQuery(request).runQuery()
            return try await Self.stored { () async throws(StoreError) in try await data.runs(query) }
        }
        read(api, "/runs/:id") { _, context throws(AdminAnswer) in
            let id = try Self.id(context)
            return try await Self.stored { () async throws(StoreError) in try await data.run(id: id) }
        }
        read(api, "/runs/:id/steps/:position/log") { request, context throws(AdminAnswer) in
            let id = try Self.id(context)
            guard let text = context.parameters.get("position"), let position = Int(text), position > 0 else {
                throw .error(400, "position must be a positive integer")
            }
            let log = try await Self.value { () async throws(StoreError) in try await data.stepLog(run: id, position: position) }
            switch request.uri.queryParameters.get("format") {
            case nil, "json": return .record(log)
            case "text": return AdminAnswer(status: 200, body: log.log, contentType: "text/plain; charset=utf-8")
            default: throw .error(400, "format must be json or text")
            }
        }
        read(api, "/sources") { _, _ throws(AdminAnswer) in try await Self.stored { () async throws(StoreError) in try await data.sources() } }
        read(api, "/targets") { _, _ throws(AdminAnswer) in .record(data.targets()) }
        read(api, "/rules") { _, _ throws(AdminAnswer) in .record(data.rules()) }
    }

    /// A GET route for viewers and operators.
    private func read(
        _ api: RouterGroup<AdminRequestContext>, _ path: RouterPath,
        _ body: @escaping @Sendable (Request, AdminRequestContext) async throws(AdminAnswer) -> AdminAnswer
    ) {
        api.get(path) { request, context in
            await guarded(request, context, .viewer) { _ throws(AdminAnswer) in try await body(request, context) }
        }
    }
}
