import BridgeCore
import Foundation
import NIOHTTP1
import Testing

@testable import BridgeProviders

/// GitLab's error shapes, and `Retry-After` in both of its forms, without a server.
@Suite struct GitLabFailureTests {
    static let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT

    static func answer(_ status: Int, _ body: String, headers: [(String, String)] = []) -> GitLabAnswer {
        GitLabAnswer(status: status, headers: HTTPHeaders(headers), body: Array(body.utf8))
    }

    @Test(arguments: [
        (#"{"message":"404 Project Not Found"}"#, "404 Project Not Found"),
        (#"{"message":{"ref":["The branch or tag does not exist"]}}"#, "{ref: [The branch or tag does not exist]}"),
        (#"{"message":{"sha":["a","b"],"base":["c"]}}"#, "{base: [c], sha: [a, b]}"),
        (#"{"error":"status does not have a valid value"}"#, "status does not have a valid value"),
        (#"{"error":"invalid_token","error_description":"Token was revoked."}"#, "invalid_token: Token was revoked."),
        (#"{"message":{"error":"This endpoint has been requested too many times."}}"#, "{error: This endpoint has been requested too many times.}"),
        ("Retry later\n", "Retry later"),
        ("<h1>\n  502 Bad Gateway\n</h1>", "<h1> 502 Bad Gateway </h1>"),
        (#"{"other":1}"#, #"{"other":1}"#),
        ("", "Bad Request"),
    ])
    func extractsGitLabsMessage(body: String, message: String) {
        #expect(GitLabFailure.bodyMessage(Self.answer(400, body)) == message)
    }

    @Test func boundsLongMessages() {
        let message = GitLabFailure.bodyMessage(Self.answer(500, String(repeating: "x", count: 5000)))
        #expect(message == String(repeating: "x", count: GitLabFailure.maxMessageLength) + "…")
    }

    @Test(arguments: [400, 401, 403, 404, 405, 409, 413, 422])
    func clientErrorsArePermanent(status: Int) {
        #expect(!GitLabFailure.classify(Self.answer(status, #"{"message":"no"}"#), now: Self.now, redacting: "t0ken").isRetryable)
    }

    @Test(arguments: [408, 429, 500, 502, 503, 504])
    func throttlingAndServerErrorsAreRetryable(status: Int) {
        #expect(GitLabFailure.classify(Self.answer(status, ""), now: Self.now, redacting: "t0ken").isRetryable)
    }

    @Test func aRedirectNamesItsTarget() {
        let error = GitLabFailure.classify(
            Self.answer(301, "", headers: [("Location", "https://gitlab.example.com/api/v4/projects/42/deployments")]), now: Self.now,
            redacting: "t0ken")
        #expect(
            error
                == .permanent(
                    "GitLab 301: redirected to https://gitlab.example.com/api/v4/projects/42/deployments; set the base URL to GitLab's own address"
                ))
    }

    @Test func neverRepeatsTheToken() {
        let error = GitLabFailure.classify(
            Self.answer(401, #"{"message":"token glpat-secret-123 is revoked"}"#), now: Self.now, redacting: "glpat-secret-123")
        #expect(error == .permanent("GitLab 401: token [REDACTED] is revoked"))
    }

    @Test(arguments: [
        ("1", Duration.seconds(1)), (" 120 ", .seconds(120)), ("0", .zero),
        ("Sun, 06 Nov 1994 08:50:07 GMT", .seconds(30)),
        ("Sunday, 06-Nov-94 08:50:07 GMT", .seconds(30)),
        ("Sun Nov  6 08:50:07 1994", .seconds(30)),
        ("Sun, 06 Nov 1994 08:00:00 GMT", .zero),
    ])
    func readsRetryAfter(value: String, wait: Duration) {
        #expect(RetryAfter.parse(value, now: Self.now) == wait)
    }

    @Test(arguments: [nil, "", "soon", "-1", "1.5", "99999999999999999999999"])
    func ignoresAnUnreadableRetryAfter(value: String?) {
        #expect(RetryAfter.parse(value, now: Self.now) == nil)
    }

    @Test func datesRetryAfterByTheAnswersDateHeader() {
        // The server's clock, not ours: a skewed local clock must not stretch or cut the wait.
        let answer = Self.answer(
            503, "", headers: [("Date", "Sun, 06 Nov 1994 08:49:37 GMT"), ("Retry-After", "Sun, 06 Nov 1994 08:49:47 GMT")])
        let error = GitLabFailure.classify(answer, now: Self.now.addingTimeInterval(3600), redacting: "t0ken")
        #expect(error == .retryable("GitLab 503: Service Unavailable", retryAfter: .seconds(10)))
    }
}
