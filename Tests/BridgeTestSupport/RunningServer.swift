import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A loopback fake's running server: its port, and what stops it.
struct RunningServer: Sendable {
    var port: Int
    var group: ServiceGroup
    var task: Task<Void, any Error>

    /// Why a server did not start.
    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Serves `respond` for every request on `127.0.0.1` and a free port, quietly: the fakes record what they were
    /// asked, and Hummingbird's own log lines would only add noise to test output. Shared by every loopback fake.
    static func start(name: String, respond: @escaping @Sendable (Request) async -> Response) async throws(StartFailure) -> RunningServer {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let logger = Logger(label: name) { _ in SwiftLogNoOpLogHandler() }
        let app = Application(
            responder: CallbackResponder { (request: Request, _: BasicRequestContext) in await respond(request) },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            defer { portContinuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await group.triggerGracefulShutdown()
            let outcome = await task.result
            throw StartFailure(description: "\(outcome)")
        }
        return RunningServer(port: port, group: group, task: task)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}
