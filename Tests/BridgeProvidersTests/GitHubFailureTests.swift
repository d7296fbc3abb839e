import BridgeCore
import BridgeTestSupport
import Foundation
import NIOHTTP1
import Testing

@testable import BridgeProviders

/// How GitHub's failures are classified: rate limits waited out, 5xx and network trouble retried, the rest permanent
/// with GitHub's own words.
@Suite struct GitHubFailureTests {
    typealias Fixture = GitHubFixture

    static func reporter(_ fake: GitHubFake, timeout: Duration = .seconds(5)) throws -> GitHubCommitStatusReporter {
        GitHubCommitStatusReporter(client: try Fixture.tokenClient(fake, timeout: timeout))
    }

    static func answer(_ status: Int, _ body: String, headers: [(String, String)] = []) -> HTTPAnswer {
        HTTPAnswer(status: status, headers: HTTPHeaders(headers), body: Array(body.utf8))
    }

    @Test(arguments: [403, 429])
    func aPrimaryRateLimitIsWaitedOutUntilItResets(status: Int) async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            fake.inject(.primaryRateLimit(resetAfter: 42, status: status))
            let error = await Fixture.failure(try Self.reporter(fake), Fixture.update(), fake: fake)
            guard case .rateLimited(let message, let wait) = error else {
                Issue.record("expected a rate limit, got \(String(describing: error))")
                return
            }
            #expect(message == "GitHub \(status): API rate limit exceeded for installation ID 7001.")
            // Timed by the answer's `Date`, to the second. The fake's server (Hummingbird) stamps that header from a
            // cache it refreshes once a second, and later under the whole suite's load (seconds, seen), so the wait may
            // look that much longer here; the arithmetic itself is checked exactly in
            // `aPrimaryLimitIsTimedByGitHubsClockAndNeverNegative`.
            #expect(wait >= .seconds(41) && wait <= .seconds(62), "waits \(wait)")
        }
    }

    @Test(arguments: [(30, 403), (30, 429), (nil, 403), (nil, 429)] as [(Int?, Int)])
    func aSecondaryRateLimitIsWaitedOutForRetryAfterOrAMinute(retryAfter: Int?, status: Int) async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            fake.inject(.secondaryRateLimit(retryAfter: retryAfter, status: status))
            let error = await Fixture.failure(try Self.reporter(fake), Fixture.update(), fake: fake)
            guard case .rateLimited(let message, let wait) = error else {
                Issue.record("expected a rate limit, got \(String(describing: error))")
                return
            }
            #expect(message.hasPrefix("GitHub \(status): You have exceeded a secondary rate limit."))
            #expect(wait == .seconds(retryAfter ?? 60))
        }
    }

    @Test func aServerErrorIsRetryable() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            fake.inject(.serverError)
            let error = await Fixture.failure(try Self.reporter(fake), Fixture.update(), fake: fake)
            #expect(error == .retryable("GitHub 500: Server Error"))
        }
    }

    @Test func aBadGatewayPageIsRetryableAndRetryAfterIsHonoured() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            fake.inject(.badGateway)
            let error = await Fixture.failure(try Self.reporter(fake), Fixture.update(), fake: fake)
            #expect(error == .retryable("GitHub 502: <html> <body> <h1>Unicorn! · GitHub</h1> </body> </html>"))
            fake.inject(.response(status: 503, contentType: "text/plain", body: "", headers: ["Retry-After": "5"]))
            let again = await Fixture.failure(try Self.reporter(fake), Fixture.update(), fake: fake)
            #expect(again == .retryable("GitHub 503: Service Unavailable", retryAfter: .seconds(5)))
        }
    }

    @Test func theNextAnswersCanAllFailAndThenItWorks() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            fake.inject(.serverError, times: 2)
            let reporter = try Self.reporter(fake)
            #expect(await Fixture.failure(reporter, Fixture.update(), fake: fake)?.isRetryable == true)
            #expect(await Fixture.failure(reporter, Fixture.update(), fake: fake)?.isRetryable == true)
            #expect(await Fixture.failure(reporter, Fixture.update(), fake: fake) == nil)
            #expect(fake.commitStatuses(sha: Fixture.sha).count == 1)
        }
    }

    @Test func aTimeoutIsRetryable() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            fake.inject(.delay(.milliseconds(800)))
            let error = await Fixture.failure(try Self.reporter(fake, timeout: .milliseconds(100)), Fixture.update(), fake: fake)
            #expect(error?.isRetryable == true)
            #expect(error?.description.hasPrefix("GitHub request to \(fake.baseURL)/repos/acme/shop/statuses/\(Fixture.sha) failed:") == true)
        }
    }

    @Test func aRefusedConnectionIsRetryable() async throws {
        let fake = Fixture.fake()
        try await fake.start()
        let baseURL = fake.baseURL
        await fake.stop()
        let client = try Fixture.tokenClient(fake, baseURL: baseURL, timeout: .milliseconds(500))
        let error = await Fixture.failure(GitHubCommitStatusReporter(client: client), Fixture.update())
        #expect(error?.isRetryable == true)
    }

    // MARK: Classification

    @Test func aValidationFailureCarriesGitHubsMessageAndErrors() {
        let body = """
            {"message":"Validation Failed","errors":[{"resource":"DeploymentStatus","code":"custom","field":"description",
            "message":"description is too long (maximum is 140 characters)"},{"resource":"Deployment","field":"ref","code":"missing_field"},
            "a plain error"],"documentation_url":"https://docs.github.com/rest"}
            """
        let error = GitHubFailure.classify(Self.answer(422, body), now: Date(), redacting: [])
        #expect(
            error
                == .permanent(
                    "GitHub 422: Validation Failed: description is too long (maximum is 140 characters); Deployment.ref missing_field; a plain error")
        )
    }

    @Test func aForbiddenAnswerWithoutARateLimitIsPermanent() {
        let body = #"{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest"}"#
        let headers = [("x-ratelimit-remaining", "4999"), ("x-ratelimit-reset", "1800000000")]
        let error = GitHubFailure.classify(Self.answer(403, body, headers: headers), now: Date(), redacting: [])
        #expect(error == .permanent("GitHub 403: Resource not accessible by integration"))
    }

    @Test func aPrimaryLimitIsTimedByGitHubsClockAndNeverNegative() {
        let headers = [("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1800000090"), ("Date", "Fri, 15 Jan 2027 08:00:00 GMT")]
        // 1800000090 is 08:01:30 on that day; the local clock, an hour off, is not used.
        let waited = GitHubFailure.classify(Self.answer(403, #"{"message":"API rate limit exceeded"}"#, headers: headers), now: Date(), redacting: [])
        #expect(waited == .rateLimited("GitHub 403: API rate limit exceeded", retryAfter: .seconds(90)))
        let past = [("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1000")]
        let now = GitHubFailure.classify(Self.answer(429, "", headers: past), now: Date(), redacting: [])
        #expect(now == .rateLimited("GitHub 429: Too Many Requests", retryAfter: .zero))
        let unreadable = [("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "soon")]
        #expect(
            GitHubFailure.classify(Self.answer(403, "", headers: unreadable), now: Date(), redacting: [])
                == .rateLimited("GitHub 403: Forbidden", retryAfter: .seconds(60)))
    }

    @Test func aRetryAfterOnAThrottleIsARateLimit() {
        let error = GitHubFailure.classify(Self.answer(429, "", headers: [("Retry-After", "7")]), now: Date(), redacting: [])
        #expect(error == .rateLimited("GitHub 429: Too Many Requests", retryAfter: .seconds(7)))
        let bare = GitHubFailure.classify(Self.answer(429, "", headers: []), now: Date(), redacting: [])
        #expect(bare == .retryable("GitHub 429: Too Many Requests"))
    }

    @Test func anEchoedCredentialIsRedactedAndALongPageCut() {
        let echoed = GitHubFailure.classify(Self.answer(400, #"{"message":"token ghs_abc123 is odd"}"#), now: Date(), redacting: ["ghs_abc123"])
        #expect(echoed == .permanent("GitHub 400: token [REDACTED] is odd"))
        let page = GitHubFailure.classify(Self.answer(500, String(repeating: "x ", count: 2000)), now: Date(), redacting: [])
        #expect(page.description.count <= "GitHub 500: ".count + GitHubFailure.maxMessageLength + 1)
    }
}
