import Testing

/// Serves the tests of a suite with one PostgreSQL cluster, found by `SharedPostgres.server()`; each test takes a
/// database of its own with `createDatabase()`.
public struct PostgresServerTrait: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withPostgresServer { server in
            try await SharedPostgres.$current.withValue(server) { try await function() }
        }
    }
}

extension Trait where Self == PostgresServerTrait {
    /// One PostgreSQL cluster for the suite's tests.
    public static var postgresServer: Self { Self() }
}

public enum SharedPostgres {
    @TaskLocal public static var current: PostgresServer?

    /// No cluster: the test is not inside a suite marked `.postgresServer`.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "no PostgreSQL cluster: the test must run inside a suite marked .postgresServer" }
    }

    /// The suite's cluster.
    public static func server() throws -> PostgresServer {
        guard let current else { throw Missing() }
        return current
    }
}
