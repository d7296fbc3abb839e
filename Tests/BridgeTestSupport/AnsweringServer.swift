import Hummingbird

/// A loopback server that answers every request with one status and no body: a proxy in front of a receiver that
/// cannot take deliveries (503), for tests of what a forge logs as failed.
public struct AnsweringServer: Sendable {
    let server: RunningServer

    public var port: Int { server.port }

    public static func start(status: Int) async throws -> AnsweringServer {
        AnsweringServer(server: try await RunningServer.start(name: "answering-\(status)") { _ in Response(status: .init(code: status)) })
    }

    public func stop() async {
        await server.stop()
    }
}
