import BridgeTestSupport
import Testing

/// The provider tests that run against moto: one moto server for all of them (started before the first, stopped
/// after the last), since a server per test, each loading its AWS backends, starves the timing-sensitive tests that
/// run alongside on a small machine. Each test makes its own REST API or application.
@Suite(.motoServer) struct AWSMotoTests {}

/// Serves the tests of a suite with one moto server, found by `SharedMoto.server()`.
struct MotoServerTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await withMotoServer { moto in
            try await SharedMoto.$current.withValue(moto) { try await function() }
        }
    }
}

extension Trait where Self == MotoServerTrait {
    /// One moto server for the suite's tests.
    static var motoServer: Self { Self() }
}

enum SharedMoto {
    @TaskLocal static var current: MotoServer?

    /// The suite's moto server.
    static func server() throws -> MotoServer {
        guard let current else { throw TestFailure("no moto server: the test must run inside a suite marked .motoServer") }
        return current
    }
}
