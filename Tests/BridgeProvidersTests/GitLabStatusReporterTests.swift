import AsyncHTTPClient
import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// The reporter against the GitLab fake, over loopback.
@Suite struct GitLabStatusReporterTests {
    static let token = "glpat-reporter-test-token-4f9a"
    static let sha = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"

    static func fake(
        projects: [GitLabFake.Project] = [.init(id: 42, path: "acme/shop")], knownRefs: Set<String>? = nil, pathPrefix: String = ""
    ) -> GitLabFake {
        GitLabFake(token: token, projects: projects, knownRefs: knownRefs, pathPrefix: pathPrefix)
    }

    static func reporter(
        _ fake: GitLabFake, baseURL: String? = nil, token: String = token, timeout: Duration = .seconds(5)
    ) -> GitLabStatusReporter {
        GitLabStatusReporter(
            baseURL: baseURL ?? fake.baseURL, token: Secret(bytes: Array(token.utf8), reference: .environment("GITLAB_TOKEN")),
            httpClient: .forTests, timeout: timeout)
    }

    static func update(
        project: String = "42", status: ForgeDeploymentStatus = .running, deploymentID: String? = nil, ref: String = "main",
        tag: Bool = false
    ) -> StatusUpdate {
        StatusUpdate(
            runID: 7, project: project, environment: "staging", sha: sha, ref: ref, tag: tag, status: status, deploymentID: deploymentID)
    }

    /// The error `report` throws; nil when it succeeds. Also checks the message never carries the token.
    static func failure(_ reporter: GitLabStatusReporter, _ update: StatusUpdate) async -> ProviderError? {
        do {
            _ = try await reporter.report(update)
            return nil
        } catch {
            #expect(!error.description.contains(token))
            #expect(!"\(error)".contains(token))
            return error
        }
    }

    // MARK: Success

    @Test func createsARunningDeploymentAndReturnsItsID() async throws {
        try await withGitLabFake(Self.fake()) { fake in
            let id = try #require(await Self.reporter(fake).report(Self.update()))
            let deployment = try #require(fake.deployments.first)
            #expect(id == String(deployment.id))
            #expect(deployment.statusHistory == [.running])
        }
    }

    @Test func updatesTheDeploymentToSuccess() async throws {
        try await withGitLabFake(Self.fake()) { fake in
            let reporter = Self.reporter(fake)
            let id = try #require(await reporter.report(Self.update(ref: "v1.4.0", tag: true)))
            let same = try #require(await reporter.report(Self.update(status: .success, deploymentID: id, ref: "v1.4.0", tag: true)))
            #expect(same == id)
            let deploymentID = try #require(Int(id))
            let deployment = try #require(fake.deployment(id: deploymentID))
            #expect(deployment.statusHistory == [.running, .success])
            #expect(deployment.environment == "staging")
            #expect(deployment.sha == Self.sha)
            #expect(deployment.ref == "v1.4.0")
            #expect(deployment.tag)
            #expect(fake.illegalTransitions.isEmpty)
        }
    }

    @Test func sendsGitLabsHeadersAndJSONBodies() async throws {
        try await withGitLabFake(Self.fake()) { fake in
            let reporter = Self.reporter(fake)
            let id = try #require(await reporter.report(Self.update()))
            _ = try await reporter.report(Self.update(status: .failed, deploymentID: id))
            let requests = fake.requests
            try #require(requests.count == 2)
            #expect(requests.map(\.method) == ["POST", "PUT"])
            #expect(requests.map(\.path) == ["/api/v4/projects/42/deployments", "/api/v4/projects/42/deployments/\(id)"])
            for request in requests {
                #expect(request.headers["private-token"] == "[REDACTED]")
                #expect(request.headers["content-type"] == "application/json")
                #expect(request.headers["accept"] == "application/json")
                #expect(request.headers["user-agent"] == "gitops-bridge")
            }
            #expect(
                requests[0].body
                    == .object([
                        "environment": .string("staging"), "sha": .string(Self.sha), "ref": .string("main"), "tag": .bool(false),
                        "status": .string("running"),
                    ]))
            #expect(requests[1].body == .object(["status": .string("failed")]))
        }
    }

    @Test func encodesEverySlashOfAProjectPath() async throws {
        try await withGitLabFake(Self.fake(projects: [.init(id: 9, path: "group/sub/project")])) { fake in
            let id = try #require(await Self.reporter(fake).report(Self.update(project: "group/sub/project")))
            #expect(fake.requests.first?.path == "/api/v4/projects/group%2Fsub%2Fproject/deployments")
            #expect(fake.deployments.first?.projectID == 9)
            _ = try await Self.reporter(fake).report(Self.update(project: "group/sub/project", status: .canceled, deploymentID: id))
            #expect(fake.requests.last?.path == "/api/v4/projects/group%2Fsub%2Fproject/deployments/\(id)")
            #expect(fake.deployments.first?.statusHistory == [.running, .canceled])
        }
    }

    @Test(arguments: ["", "/"])
    func reachesAnInstallUnderAPathPrefix(trailing: String) async throws {
        try await withGitLabFake(Self.fake(pathPrefix: "/gitlab")) { fake in
            #expect(fake.baseURL.hasSuffix("/gitlab"))
            let id = try #require(await Self.reporter(fake, baseURL: fake.baseURL + trailing).report(Self.update()))
            #expect(fake.requests.first?.path == "/gitlab/api/v4/projects/42/deployments")
            #expect(fake.deployment(id: try #require(Int(id))) != nil)
        }
    }

    // MARK: Permanent failures

    @Test func aWrongTokenIsPermanentAndNeverQuoted() async throws {
        try await withGitLabFake(Self.fake()) { fake in
            let error = await Self.failure(Self.reporter(fake, token: "glpat-wrong-token-1234"), Self.update())
            #expect(error == .permanent("GitLab 401: 401 Unauthorized"))
            #expect(error?.description.contains("glpat-wrong-token-1234") == false)
        }
    }

    @Test func anUnknownProjectIsPermanent() async throws {
        try await withGitLabFake(Self.fake()) { fake in
            let error = await Self.failure(Self.reporter(fake), Self.update(project: "acme/missing"))
            #expect(error == .permanent("GitLab 404: 404 Project Not Found"))
        }
    }

    @Test func anUnknownRefIsPermanentWithGitLabsMessage() async throws {
        try await withGitLabFake(Self.fake(knownRefs: ["main"])) { fake in
            let error = await Self.failure(Self.reporter(fake), Self.update(ref: "feature/gone"))
            #expect(error == .permanent("GitLab 400: {ref: [The branch or tag does not exist]}"))
        }
    }

    @Test func anUnknownDeploymentIsPermanent() async throws {
        try await withGitLabFake(Self.fake()) { fake in
            let error = await Self.failure(Self.reporter(fake), Self.update(status: .success, deploymentID: "999999"))
            #expect(error == .permanent("GitLab 404: 404 Not found"))
        }
    }

    @Test func aDeploymentMadeByCIIsPermanent() async throws {
        try await withGitLabFake(Self.fake()) { fake in
            let id = fake.addDeployment(projectID: 42, environment: "staging", sha: Self.sha, ref: "main", status: .running, createdByCI: true)
            let error = await Self.failure(Self.reporter(fake), Self.update(status: .success, deploymentID: String(id)))
            #expect(error == .permanent("GitLab 403: 403 Forbidden - Deployments created using GitLab CI can not be updated using the API"))
        }
    }

    @Test func anIllegalTransitionIsPermanentWhenGitLabRefusesIt() async throws {
        try await withGitLabFake(Self.fake()) { fake in
            let reporter = Self.reporter(fake)
            let id = try #require(await reporter.report(Self.update()))
            _ = try await reporter.report(Self.update(status: .success, deploymentID: id))
            let error = await Self.failure(reporter, Self.update(status: .success, deploymentID: id))
            #expect(error == .permanent("GitLab 400: Cannot transition status via :succeed from :success"))
            #expect(fake.illegalTransitions.count == 1)
        }
    }

    @Test func anOKWithoutABodyStillMeansUpdated() async throws {
        // What GitLab's source suggests for an illegal transition: 200 `null`. The update keeps its id.
        try await withGitLabFake(GitLabFake(token: Self.token, illegalTransitionAnswer: .okWithNullBody)) { fake in
            let id = fake.addDeployment(projectID: 42, environment: "staging", sha: Self.sha, ref: "main", status: .success)
            let answer = try #require(await Self.reporter(fake).report(Self.update(status: .success, deploymentID: String(id))))
            #expect(answer == String(id))
        }
    }

    @Test func aCreateAnswerWithoutAnIDIsPermanent() async throws {
        try await withGitLabFake(Self.fake()) { fake in
            fake.inject(.response(status: 200, contentType: "text/html", body: "<html>Sign in</html>"))
            let error = await Self.failure(Self.reporter(fake), Self.update())
            #expect(error?.isRetryable == false)
            #expect(error?.description.hasPrefix("GitLab 200: the answer has no deployment id") == true)
        }
    }

    @Test func anInvalidBaseURLIsPermanent() async throws {
        let reporter = GitLabStatusReporter(
            baseURL: "ftp://gitlab.example.com", token: Secret(bytes: Array(Self.token.utf8), reference: .environment("T")), httpClient: .forTests)
        let error = await Self.failure(reporter, Self.update())
        #expect(error?.isRetryable == false)
    }

    @Test(arguments: ["glpat-with-newline\n", "", "glpat mid space", "glpat-ü"])
    func aTokenNoHeaderCanCarryIsPermanentAndNotQuoted(token: String) async throws {
        try await withGitLabFake(Self.fake()) { fake in
            let reporter = GitLabStatusReporter(
                baseURL: fake.baseURL, token: Secret(bytes: Array(token.utf8), reference: .environment("GITLAB_TOKEN")), httpClient: .forTests)
            let error = await Self.failure(reporter, Self.update())
            #expect(error == .permanent("the GitLab token env:GITLAB_TOKEN is empty or has characters an HTTP header cannot carry"))
            #expect(fake.requests.isEmpty)
        }
    }

    @Test func anInvalidHeaderErrorNeverQuotesTheHeaders() {
        let error = GitLabFailure.transportFailure(
            HTTPClientError.invalidHeaderFieldValues(["glpat-secret\n"]), url: "https://gitlab.example.com/api/v4", redacting: "glpat-secret\n")
        #expect(error == .permanent("GitLab request to https://gitlab.example.com/api/v4 failed: a header name or value is not valid HTTP"))
    }

    // MARK: Retryable failures

    @Test func tooManyRequestsWithRetryAfterIsRetryableAfterThatLong() async throws {
        try await withGitLabFake(Self.fake()) { fake in
            fake.inject(.tooManyRequests(retryAfter: "1"))
            let error = await Self.failure(Self.reporter(fake), Self.update())
            #expect(
                error == .retryable("GitLab 429: {error: This endpoint has been requested too many times. Try again later.}", retryAfter: .seconds(1))
            )
            #expect(fake.deployments.isEmpty)
        }
    }

    @Test func tooManyRequestsWithoutRetryAfterLeavesTheWaitToTheWorker() async throws {
        try await withGitLabFake(Self.fake()) { fake in
            fake.inject(.tooManyRequests(retryAfter: nil))
            let error = await Self.failure(Self.reporter(fake), Self.update())
            guard case .retryable(_, let retryAfter) = error else {
                Issue.record("expected a retryable error, got \(String(describing: error))")
                return
            }
            #expect(retryAfter == nil)
        }
    }

    @Test func rackAttacksPlainTextThrottleIsRetryable() async throws {
        try await withGitLabFake(Self.fake()) { fake in
            fake.inject(.throttled(retryAfter: "60"))
            let error = await Self.failure(Self.reporter(fake), Self.update())
            #expect(error == .retryable("GitLab 429: Retry later", retryAfter: .seconds(60)))
        }
    }

    @Test func aServerErrorIsRetryable() async throws {
        try await withGitLabFake(Self.fake()) { fake in
            fake.inject(.serverError)
            let error = await Self.failure(Self.reporter(fake), Self.update())
            #expect(error == .retryable("GitLab 500: 500 Internal Server Error"))
        }
    }

    @Test func aProxysErrorPageIsRetryableAndCut() async throws {
        try await withGitLabFake(Self.fake()) { fake in
            let page = "<html>\n<body>" + String(repeating: "bad gateway ", count: 200) + "</body>\n</html>"
            fake.inject(.response(status: 502, contentType: "text/html", body: page, headers: ["Retry-After": "5"]))
            let error = await Self.failure(Self.reporter(fake), Self.update())
            #expect(error?.isRetryable == true)
            let message = try #require(error?.description)
            #expect(message.hasPrefix("GitLab 502: <html> <body>bad gateway"))
            #expect(message.count <= "GitLab 502: ".count + GitLabFailure.maxMessageLength + 1)
            guard case .retryable(_, let retryAfter) = error else { return }
            #expect(retryAfter == .seconds(5))
        }
    }

    @Test func aTimeoutIsRetryable() async throws {
        try await withGitLabFake(Self.fake()) { fake in
            fake.inject(.delay(.milliseconds(800)))
            let error = await Self.failure(Self.reporter(fake, timeout: .milliseconds(100)), Self.update())
            #expect(error?.isRetryable == true)
            #expect(error?.description.hasPrefix("GitLab request to \(fake.baseURL)/api/v4/projects/42/deployments failed:") == true)
        }
    }

    @Test func aRefusedConnectionIsRetryable() async throws {
        let fake = Self.fake()
        try await fake.start()
        let baseURL = fake.baseURL
        await fake.stop()
        // The HTTP client retries a refused connection until the deadline, then reports the refusal.
        let error = await Self.failure(Self.reporter(fake, baseURL: baseURL, timeout: .milliseconds(500)), Self.update())
        #expect(error?.isRetryable == true)
        #expect(error?.description.hasPrefix("GitLab request to \(baseURL)/api/v4/projects/42/deployments failed:") == true)
    }

    @Test func keepsBaseURLCredentialsOutOfMessages() async throws {
        let fake = Self.fake()
        try await fake.start()
        let port = try #require(fake.port)
        await fake.stop()
        let error = await Self.failure(
            Self.reporter(fake, baseURL: "http://ops:hunter2@127.0.0.1:\(port)", timeout: .milliseconds(300)), Self.update())
        #expect(error?.description.hasPrefix("GitLab request to http://127.0.0.1:\(port)/api/v4/projects/42/deployments failed:") == true)
    }

    // MARK: Pieces

    @Test(arguments: [
        ("42", "42"), ("acme/shop", "acme%2Fshop"), ("group/sub/project", "group%2Fsub%2Fproject"), ("my.group/a-b_c~d", "my.group%2Fa-b_c~d"),
        ("a b", "a%20b"), ("ü/x", "%C3%BC%2Fx"), ("%2F", "%252F"),
    ])
    func percentEncodesPathSegments(text: String, encoded: String) {
        #expect(GitLabStatusReporter.pathSegment(text) == encoded)
    }

    @Test(arguments: ["https://gitlab.example.com", "https://gitlab.example.com/", "https://gitlab.example.com//"])
    func buildsTheAPIRoot(baseURL: String) {
        let reporter = GitLabStatusReporter(baseURL: baseURL, token: Secret(bytes: [1], reference: .environment("T")), httpClient: .forTests)
        #expect(reporter.apiRoot == "https://gitlab.example.com/api/v4")
    }
}
