/// The frame the `with…Fake` helpers share: start the fake, run the body, and stop the fake whatever the body did.
enum FakeLifecycle {
    static func serving<T>(
        start: () async throws -> Void, stop: () async -> Void, isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> T
    ) async throws -> T {
        try await start()
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await body())
        } catch {
            outcome = .failure(error)
        }
        await stop()
        return try outcome.get()
    }
}
