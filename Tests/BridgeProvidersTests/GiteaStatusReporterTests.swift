import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// The Gitea (and Forgejo) reporter against the Gitea fake, over loopback.
@Suite struct GiteaStatusReporterTests {
    static let token = "9f3c2a1b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a"
    static let sha = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"
    static let logURL = "https://bridge.example.com/runs/7"

    static func reporter(
        _ fake: GiteaFake, forge: Forge = .gitea, baseURL: String? = nil, token: String = token, timeout: Duration = .seconds(5)
    ) -> GiteaStatusReporter {
        GiteaStatusReporter(
            forge: forge, baseURL: baseURL ?? fake.baseURL,
            token: Secret(bytes: Array(token.utf8), reference: .environment("GITEA_TOKEN")), httpClient: .forTests, timeout: timeout)
    }

    static func update(
        _ status: ForgeDeploymentStatus = .running, repository: String = "acme/shop", rule: String = "deploy-api",
        logURL: String? = logURL, environmentURL: String? = nil, detail: String? = nil
    ) -> StatusUpdate {
        StatusUpdate(
            runID: 7, project: repository, repository: repository, rule: rule, environment: "staging", sha: sha, ref: "main", tag: false,
            status: status, environmentURL: environmentURL, logURL: logURL, detail: detail)
    }

    /// The error `report` throws; nil when it succeeds. Also checks the message never carries the token.
    static func failure(_ reporter: GiteaStatusReporter, _ update: StatusUpdate, token: String = token) async -> ProviderError? {
        do {
            let answer = try await reporter.report(update)
            #expect(answer == nil)
            return nil
        } catch {
            #expect(!error.description.contains(token))
            return error
        }
    }

    // MARK: Success

    @Test func showsEachStatusOfARunInOrder() async throws {
        try await withGiteaFake(GiteaFake(token: Self.token)) { fake in
            let reporter = Self.reporter(fake)
            for status in [ForgeDeploymentStatus.queued, .running, .failed] {
                let answer = try await reporter.report(Self.update(status, detail: "exit status 2"))
                #expect(answer == nil)
            }
            let history = fake.history(sha: Self.sha)
            #expect(history.map(\.state) == ["pending", "pending", "failure"])
            #expect(history.allSatisfy { $0.context == "gitops-bridge/deploy-api" && $0.targetURL == Self.logURL })
            #expect(history.map(\.description) == ["queued: deploy-api", "deploying: deploy-api", "failed: deploy-api: exit status 2"])
            let combined = fake.combined(sha: Self.sha)
            #expect(combined.state == "failure")
            #expect(combined.statuses.count == 1)
        }
    }

    @Test(arguments: ForgeDeploymentStatus.allCases)
    func setsGiteasStateForEachStatus(status: ForgeDeploymentStatus) async throws {
        try await withGiteaFake(GiteaFake(token: Self.token)) { fake in
            _ = try await Self.reporter(fake).report(Self.update(status))
            #expect(fake.statuses.map(\.state) == [GiteaStates.commit(status)])
        }
    }

    @Test func aNewerRunsStatusReplacesTheOlderInTheCombinedStatus() async throws {
        try await withGiteaFake(GiteaFake(token: Self.token)) { fake in
            let reporter = Self.reporter(fake)
            _ = try await reporter.report(Self.update(.failed))
            _ = try await reporter.report(Self.update(.success, rule: "deploy-web"))
            _ = try await reporter.report(Self.update(.success))
            let combined = fake.combined(sha: Self.sha)
            #expect(combined.state == "success")
            #expect(combined["gitops-bridge/deploy-api"]?.state == "success")
            #expect(combined["gitops-bridge/deploy-web"]?.state == "success")
        }
    }

    @Test func sendsTheTokenAndAJSONBody() async throws {
        try await withGiteaFake(GiteaFake(token: Self.token)) { fake in
            _ = try await Self.reporter(fake).report(Self.update(.success))
            let request = try #require(fake.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/api/v1/repos/acme/shop/statuses/\(Self.sha)")
            #expect(request.headers["authorization"] == "token [REDACTED]")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["accept"] == "application/json")
            #expect(request.headers["user-agent"] == "gitops-bridge")
            #expect(
                request.body
                    == [
                        "state": "success", "context": "gitops-bridge/deploy-api", "target_url": .string(Self.logURL),
                        "description": "deployed: deploy-api",
                    ])
        }
    }

    @Test func linksTheEnvironmentWhenTheRunHasNoPageAndNothingWhenNeither() async throws {
        try await withGiteaFake(GiteaFake(token: Self.token)) { fake in
            let reporter = Self.reporter(fake)
            _ = try await reporter.report(Self.update(logURL: nil, environmentURL: "https://staging.example.com"))
            _ = try await reporter.report(Self.update(logURL: "", environmentURL: nil))
            #expect(fake.statuses.map(\.targetURL) == ["https://staging.example.com", ""])
            #expect(fake.requests.last?.body?["target_url"] == nil)
        }
    }

    @Test(arguments: ["", "/", "//"])
    func reachesAnInstallUnderAPathPrefix(trailing: String) async throws {
        try await withGiteaFake(GiteaFake(token: Self.token, pathPrefix: "/git")) { fake in
            #expect(fake.baseURL.hasSuffix("/git"))
            _ = try await Self.reporter(fake, baseURL: fake.baseURL + trailing).report(Self.update())
            #expect(fake.requests.map(\.path) == ["/git/api/v1/repos/acme/shop/statuses/\(Self.sha)"])
            #expect(fake.statuses.count == 1)
        }
    }

    @Test func encodesEachPathSegment() async throws {
        try await withGiteaFake(GiteaFake(token: Self.token, repositories: ["my-org/my.repo_1", "ops/web app"])) { fake in
            _ = try await Self.reporter(fake).report(Self.update(repository: "my-org/my.repo_1"))
            _ = try await Self.reporter(fake).report(Self.update(repository: "ops/web app"))
            #expect(fake.requests.map(\.path).first == "/api/v1/repos/my-org/my.repo_1/statuses/\(Self.sha)")
            #expect(fake.requests.map(\.path).last == "/api/v1/repos/ops/web%20app/statuses/\(Self.sha)")
            #expect(fake.statuses.map(\.repository) == ["my-org/my.repo_1", "ops/web app"])
        }
    }

    // MARK: Permanent failures

    @Test(arguments: [Forge.gitea, .forgejo])
    func aWrongTokenIsPermanentAndNeverQuoted(forge: Forge) async throws {
        try await withGiteaFake(GiteaFake(token: Self.token)) { fake in
            let wrong = "0000000000000000000000000000000000000bad"
            let error = await Self.failure(Self.reporter(fake, forge: forge, token: wrong), Self.update(), token: wrong)
            let name = forge == .gitea ? "Gitea" : "Forgejo"
            #expect(error == .permanent("\(name) 401: token is required"))
        }
    }

    @Test func anUnknownRepositoryIsPermanent() async throws {
        try await withGiteaFake(GiteaFake(token: Self.token)) { fake in
            let error = await Self.failure(Self.reporter(fake), Self.update(repository: "acme/missing"))
            #expect(error == .permanent("Gitea 404: The target couldn't be found."))
        }
    }

    @Test func aRefusalIsPermanentWithGiteasMessage() async throws {
        try await withGiteaFake(GiteaFake(token: Self.token)) { fake in
            let body = #"{"message":"commit status limit reached for this commit","url":"https://gitea.example.com/api/swagger"}"#
            fake.inject(.response(status: 422, contentType: "application/json", body: body))
            let error = await Self.failure(Self.reporter(fake), Self.update())
            #expect(error == .permanent("Gitea 422: commit status limit reached for this commit"))
        }
    }

    @Test func anAnswerThatIsNotACommitStatusIsPermanent() async throws {
        try await withGiteaFake(GiteaFake(token: Self.token)) { fake in
            fake.inject(.response(status: 200, contentType: "text/html", body: "<html>Sign in</html>"))
            let error = await Self.failure(Self.reporter(fake, forge: .forgejo), Self.update())
            #expect(error == .permanent("Forgejo 200: the answer is not a commit status; is \(fake.baseURL)/api/v1 Forgejo's API?"))
        }
    }

    @Test(arguments: ["acme", "acme/shop/extra", "/shop", "acme/", ""])
    func aRepositoryThatIsNotOwnerSlashRepoIsPermanent(repository: String) async throws {
        try await withGiteaFake(GiteaFake(token: Self.token)) { fake in
            let error = await Self.failure(Self.reporter(fake), Self.update(repository: repository))
            #expect(error == .permanent("Gitea repository \"\(repository)\" is not owner/repo"))
            #expect(fake.requests.isEmpty)
        }
    }

    @Test(arguments: ["token-with-newline\n", "", "mid space", "tökén"])
    func aTokenNoHeaderCanCarryIsPermanentAndNotQuoted(token: String) async throws {
        try await withGiteaFake(GiteaFake(token: Self.token)) { fake in
            let error = await Self.failure(Self.reporter(fake, token: token), Self.update(), token: token.isEmpty ? Self.token : token)
            #expect(error == .permanent("the Gitea token env:GITEA_TOKEN is empty or has characters an HTTP header cannot carry"))
            #expect(fake.requests.isEmpty)
        }
    }

    // MARK: Retryable failures

    @Test func tooManyRequestsIsRetryableAfterTheForgesRetryAfter() async throws {
        try await withGiteaFake(GiteaFake(token: Self.token)) { fake in
            fake.inject(.tooManyRequests(retryAfter: "7"))
            let error = await Self.failure(Self.reporter(fake), Self.update())
            #expect(error == .retryable("Gitea 429: Too Many Requests", retryAfter: .seconds(7)))
            #expect(fake.statuses.isEmpty)
        }
    }

    @Test func aServerErrorIsRetryable() async throws {
        try await withGiteaFake(GiteaFake(token: Self.token)) { fake in
            fake.inject(.serverError)
            let error = await Self.failure(Self.reporter(fake), Self.update())
            #expect(error == .retryable("Gitea 500: Internal Server Error"))
            _ = try await Self.reporter(fake).report(Self.update())
            #expect(fake.statuses.count == 1)
        }
    }

    @Test func aProxysErrorPageIsRetryableAndCut() async throws {
        try await withGiteaFake(GiteaFake(token: Self.token)) { fake in
            let page = "<html>\n<body>" + String(repeating: "bad gateway ", count: 200) + "</body>\n</html>"
            fake.inject(.response(status: 502, contentType: "text/html", body: page, headers: ["Retry-After": "5"]))
            let error = await Self.failure(Self.reporter(fake), Self.update())
            guard case .retryable(let message, let retryAfter) = error else {
                Issue.record("expected a retryable error, got \(String(describing: error))")
                return
            }
            #expect(message.hasPrefix("Gitea 502: <html> <body>bad gateway"))
            #expect(message.count <= "Gitea 502: ".count + ForgeFailure.maxMessageLength + 1)
            #expect(retryAfter == .seconds(5))
        }
    }

    @Test func aTimeoutIsRetryable() async throws {
        try await withGiteaFake(GiteaFake(token: Self.token)) { fake in
            fake.inject(.delay(.milliseconds(800)))
            let error = await Self.failure(Self.reporter(fake, timeout: .milliseconds(100)), Self.update())
            #expect(error?.isRetryable == true)
            #expect(error?.description.hasPrefix("Gitea POST request to \(fake.baseURL)/api/v1/repos/acme/shop/statuses/") == true)
        }
    }

    @Test func aRefusedConnectionIsRetryableAndKeepsTheURLsPasswordOut() async throws {
        let fake = GiteaFake(token: Self.token)
        try await fake.start()
        let port = try #require(fake.port)
        await fake.stop()
        let reporter = Self.reporter(fake, baseURL: "http://ops:hunter2@127.0.0.1:\(port)", timeout: .milliseconds(500))
        let error = await Self.failure(reporter, Self.update())
        #expect(error?.isRetryable == true)
        #expect(error?.description.contains("hunter2") == false)
    }

    // MARK: Redirects

    @Test func aRedirectIsRefusedAndCarriesNoCredentialElsewhere() async throws {
        try await withStandIn(RedirectingStandIn()) { moved in
            let reporter = GiteaStatusReporter(
                baseURL: moved.baseURL, token: Secret(bytes: Array(Self.token.utf8), reference: .environment("GITEA_TOKEN")),
                httpClient: .forTests)
            let error = await Self.failure(reporter, Self.update())
            #expect(moved.redirected == 1)
            #expect(moved.received.isEmpty)
            #expect(error?.isRetryable == false)
            #expect(error?.description.contains("answered 302 Found, a redirect to \(moved.destinationURL)/api/v1/repos/acme/shop/") == true)
        }
    }

    // MARK: Pieces

    @Test(arguments: ["https://gitea.example.com", "https://gitea.example.com/", " https://gitea.example.com// "])
    func buildsTheAPIRoot(baseURL: String) {
        let reporter = GiteaStatusReporter(baseURL: baseURL, token: Secret(bytes: [0x41], reference: .environment("T")), httpClient: .forTests)
        #expect(reporter.apiRoot == "https://gitea.example.com/api/v1")
    }
}
