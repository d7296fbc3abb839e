import Testing

/// Serves the tests of a suite with one moto server, found by `SharedMoto.server()`: a server per test, each loading
/// its AWS backends, starves the timing-sensitive tests that run alongside on a small machine.
public struct MotoServerTrait: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withMotoServer { moto in
            try await SharedMoto.$current.withValue(moto) { try await function() }
        }
    }
}

extension Trait where Self == MotoServerTrait {
    /// One moto server for the suite's tests.
    public static var motoServer: Self { Self() }
}

public enum SharedMoto {
    @TaskLocal public static var current: MotoServer?

    /// No moto server: the test is not inside a suite marked `.motoServer`.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "no moto server: the test must run inside a suite marked .motoServer" }
    }

    /// The suite's moto server.
    public static func server() throws -> MotoServer {
        guard let current else { throw Missing() }
        return current
    }
}
