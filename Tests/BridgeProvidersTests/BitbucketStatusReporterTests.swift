import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// The Bitbucket Cloud reporter against the Bitbucket fake, over loopback.
@Suite struct BitbucketStatusReporterTests {
    static let sha = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"
    static let logURL = "https://bridge.example.com/runs/7"

    static func tokenReporter(_ fake: BitbucketFake, token: String = BitbucketFake.defaultToken, timeout: Duration = .seconds(5))
        -> BitbucketStatusReporter
    {
        BitbucketStatusReporter(
            baseURL: fake.baseURL, credentials: .accessToken(Secret(bytes: Array(token.utf8), reference: .environment("BITBUCKET_TOKEN"))),
            httpClient: .forTests, timeout: timeout)
    }

    static func appPasswordReporter(_ fake: BitbucketFake, username: String = BitbucketFake.defaultUsername, password: String)
        -> BitbucketStatusReporter
    {
        let secret = Secret(bytes: Array(password.utf8), reference: .file("/run/secrets/bitbucket"))
        return BitbucketStatusReporter(
            baseURL: fake.baseURL, credentials: .appPassword(username: username, password: secret), httpClient: .forTests)
    }

    static func update(
        _ status: ForgeDeploymentStatus = .running, repository: String = "acme/shop", rule: String = "deploy-api",
        environment: String = "staging", logURL: String? = logURL, environmentURL: String? = nil
    ) -> StatusUpdate {
        StatusUpdate(
            runID: 7, project: repository, repository: repository, rule: rule, environment: environment, sha: sha, ref: "main", tag: false,
            status: status, environmentURL: environmentURL, logURL: logURL)
    }

    /// The error `report` throws; nil when it succeeds. Also checks the message never carries any of `secrets`.
    static func failure(_ reporter: BitbucketStatusReporter, _ update: StatusUpdate, secrets: [String] = [BitbucketFake.defaultToken]) async
        -> ProviderError?
    {
        do {
            #expect(try await reporter.report(update) == nil)
            return nil
        } catch {
            for secret in secrets where !secret.isEmpty { #expect(!error.description.contains(secret)) }
            return error
        }
    }

    // MARK: Success

    @Test func showsEachStatusOfARunInOrderUnderOneKey() async throws {
        try await withBitbucketFake { fake in
            let reporter = Self.tokenReporter(fake)
            for status in [ForgeDeploymentStatus.queued, .running, .success] {
                let answer = try await reporter.report(Self.update(status))
                #expect(answer == nil)
            }
            let key = StatusContext.key(rule: "deploy-api", environment: "staging")
            #expect(fake.history(sha: Self.sha).map(\.state) == ["INPROGRESS", "INPROGRESS", "SUCCESSFUL"])
            #expect(fake.history(sha: Self.sha).map(\.description) == ["queued: deploy-api", "deploying: deploy-api", "deployed: deploy-api"])
            let status = try #require(fake.status(sha: Self.sha, key: key))
            #expect(fake.statuses(sha: Self.sha).count == 1)
            #expect(status.state == "SUCCESSFUL")
            #expect(status.url == Self.logURL)
            #expect(status.name == "gitops-bridge: deploy-api → staging")
            #expect(status.refname == "main")
        }
    }

    @Test(arguments: ForgeDeploymentStatus.allCases)
    func setsBitbucketsStateForEachStatus(status: ForgeDeploymentStatus) async throws {
        try await withBitbucketFake { fake in
            _ = try await Self.tokenReporter(fake).report(Self.update(status))
            #expect(fake.statuses(sha: Self.sha).map(\.state) == [BitbucketStates.build(status)])
        }
    }

    @Test func sendsABearerTokenAndAJSONBody() async throws {
        try await withBitbucketFake { fake in
            _ = try await Self.tokenReporter(fake).report(Self.update(.failed))
            let request = try #require(fake.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/2.0/repositories/acme/shop/commit/\(Self.sha)/statuses/build")
            #expect(request.headers["authorization"] == "Bearer [REDACTED]")
            #expect(request.headers["content-type"] == "application/json")
            #expect(
                request.body
                    == [
                        "key": "gitops-bridge-deploy-api-staging", "state": "FAILED", "name": "gitops-bridge: deploy-api → staging",
                        "url": .string(Self.logURL), "description": "failed: deploy-api", "refname": "main",
                    ])
        }
    }

    @Test func signsInWithAUserAndAnAppPassword() async throws {
        try await withBitbucketFake { fake in
            _ = try await Self.appPasswordReporter(fake, password: BitbucketFake.defaultAppPassword).report(Self.update())
            #expect(fake.requests.first?.headers["authorization"] == "Basic [REDACTED]")
            #expect(fake.statuses(sha: Self.sha).count == 1)
        }
    }

    @Test func linksTheEnvironmentThenTheCommitWhenTheRunHasNoPage() async throws {
        try await withBitbucketFake { fake in
            let reporter = Self.tokenReporter(fake)
            _ = try await reporter.report(Self.update(environment: "staging", logURL: nil, environmentURL: "https://staging.example.com"))
            _ = try await reporter.report(Self.update(environment: "production", logURL: "", environmentURL: nil))
            #expect(
                fake.statuses(sha: Self.sha).map(\.url) == [
                    "https://staging.example.com", "https://bitbucket.org/acme/shop/commits/\(Self.sha)",
                ])
        }
    }

    @Test func keysAreStablePerRuleAndEnvironmentAndFitBitbucket() async throws {
        try await withBitbucketFake { fake in
            let reporter = Self.tokenReporter(fake)
            let long = String(repeating: "very-long-rule-name-", count: 3)
            let cases = [("deploy-api", "staging"), ("deploy-api", "production"), ("deploy-api", ""), (long, "staging"), (long, "production")]
            for (rule, environment) in cases + cases {
                _ = try await reporter.report(Self.update(.success, rule: rule, environment: environment))
            }
            let keys = fake.statuses(sha: Self.sha).map(\.key)
            #expect(keys.count == cases.count)
            #expect(Set(keys).count == cases.count)
            #expect(keys.allSatisfy { $0.count <= BitbucketFake.maxKeyLength })
            #expect(keys == cases.map { StatusContext.key(rule: $0.0, environment: $0.1) })
            #expect(fake.status(sha: Self.sha, key: "gitops-bridge-deploy-api")?.name == "gitops-bridge: deploy-api")
        }
    }

    // MARK: Permanent failures

    @Test func aWrongTokenIsPermanentAndNeverQuoted() async throws {
        try await withBitbucketFake { fake in
            let wrong = "ATCTT3xFfGN0-wrong-token"
            let error = await Self.failure(Self.tokenReporter(fake, token: wrong), Self.update(), secrets: [wrong])
            #expect(error == .permanent("Bitbucket 401: Unauthorized"))
        }
    }

    @Test func aWrongAppPasswordIsPermanentAndNeverQuotedInAnyForm() async throws {
        try await withBitbucketFake { fake in
            let wrong = "ATBBwrongAppPassword"
            let basic = Data("\(BitbucketFake.defaultUsername):\(wrong)".utf8).base64EncodedString()
            fake.inject(.response(status: 401, contentType: "text/plain", body: "Bad credentials for \(basic) (\(wrong))"))
            let error = await Self.failure(Self.appPasswordReporter(fake, password: wrong), Self.update(), secrets: [wrong, basic])
            #expect(error == .permanent("Bitbucket 401: Bad credentials for [REDACTED] ([REDACTED])"))
        }
    }

    @Test(arguments: ["not a url", "http://jenkins:8080/job/1", "ftp://ci.example.com/1"])
    func aURLBitbucketRefusesIsPermanentWithItsMessage(logURL: String) async throws {
        try await withBitbucketFake { fake in
            let error = await Self.failure(Self.tokenReporter(fake), Self.update(logURL: logURL))
            #expect(error == .permanent("Bitbucket 400: url: Enter a valid URL."))
        }
    }

    @Test func anUnknownRepositoryIsPermanent() async throws {
        try await withBitbucketFake { fake in
            let error = await Self.failure(Self.tokenReporter(fake), Self.update(repository: "acme/missing"))
            #expect(error == .permanent("Bitbucket 404: Repository acme/missing not found"))
        }
    }

    @Test func anAnswerThatIsNotABuildStatusIsPermanent() async throws {
        try await withBitbucketFake { fake in
            fake.inject(.response(status: 200, contentType: "text/html", body: "<html>Log in</html>"))
            let error = await Self.failure(Self.tokenReporter(fake), Self.update())
            #expect(error == .permanent("Bitbucket 200: the answer is not a build status; is \(fake.baseURL)/2.0 Bitbucket's API?"))
        }
    }

    @Test(arguments: ["acme", "acme/shop/extra", "/shop", ""])
    func aRepositoryThatIsNotWorkspaceSlashSlugIsPermanent(repository: String) async throws {
        try await withBitbucketFake { fake in
            let error = await Self.failure(Self.tokenReporter(fake), Self.update(repository: repository))
            #expect(error == .permanent("Bitbucket repository \"\(repository)\" is not workspace/repo_slug"))
            #expect(fake.requests.isEmpty)
        }
    }

    @Test func unusableCredentialsArePermanentBeforeAnythingIsSent() async throws {
        try await withBitbucketFake { fake in
            let token = await Self.failure(Self.tokenReporter(fake, token: "two words"), Self.update(), secrets: ["two words"])
            #expect(token == .permanent("the Bitbucket access token env:BITBUCKET_TOKEN is empty or has characters an HTTP header cannot carry"))
            let user = await Self.failure(Self.appPasswordReporter(fake, username: "a:b", password: "pw-1"), Self.update(), secrets: ["pw-1"])
            #expect(user?.description.hasPrefix("the Bitbucket username is empty or has a colon") == true)
            #expect(fake.requests.isEmpty)
        }
    }

    // MARK: Retryable failures

    @Test func tooManyRequestsIsRetryableAfterTheForgesRetryAfter() async throws {
        try await withBitbucketFake { fake in
            fake.inject(.tooManyRequests(retryAfter: "30"))
            let error = await Self.failure(Self.tokenReporter(fake), Self.update())
            #expect(error == .retryable("Bitbucket 429: Rate limit for this resource has been exceeded", retryAfter: .seconds(30)))
        }
    }

    @Test func aServerErrorIsRetryable() async throws {
        try await withBitbucketFake { fake in
            fake.inject(.serverError)
            let error = await Self.failure(Self.tokenReporter(fake), Self.update())
            #expect(error == .retryable("Bitbucket 500: Something went wrong"))
            #expect(fake.history(sha: Self.sha).isEmpty)
        }
    }

    @Test func aTimeoutIsRetryable() async throws {
        try await withBitbucketFake { fake in
            fake.inject(.delay(.milliseconds(800)))
            let error = await Self.failure(Self.tokenReporter(fake, timeout: .milliseconds(100)), Self.update())
            #expect(error?.isRetryable == true)
            #expect(error?.description.hasPrefix("Bitbucket POST request to \(fake.baseURL)/2.0/repositories/acme/shop/commit/") == true)
        }
    }

    // MARK: Redirects

    @Test(arguments: [true, false])
    func aRedirectIsRefusedAndCarriesNoCredentialElsewhere(accessToken: Bool) async throws {
        try await withStandIn(RedirectingStandIn()) { moved in
            let credentials: BitbucketStatusReporter.Credentials =
                accessToken
                ? .accessToken(Secret(bytes: Array(BitbucketFake.defaultToken.utf8), reference: .environment("T")))
                : .appPassword(username: "deploy-bot", password: Secret(bytes: Array("pw-redirect".utf8), reference: .environment("P")))
            let reporter = BitbucketStatusReporter(baseURL: moved.baseURL, credentials: credentials, httpClient: .forTests)
            let error = await Self.failure(reporter, Self.update(), secrets: [BitbucketFake.defaultToken, "pw-redirect"])
            #expect(moved.redirected == 1)
            #expect(moved.received.isEmpty)
            #expect(error?.isRetryable == false)
            #expect(error?.description.contains("answered 302 Found, a redirect to \(moved.destinationURL)/2.0/repositories/acme/shop/") == true)
        }
    }

    // MARK: Pieces

    @Test(arguments: ["https://api.bitbucket.org", "https://api.bitbucket.org/", "https://api.bitbucket.org//"])
    func buildsTheAPIRoot(baseURL: String) {
        let token = Secret(bytes: [0x41], reference: .environment("T"))
        #expect(
            BitbucketStatusReporter(baseURL: baseURL, credentials: .accessToken(token), httpClient: .forTests).apiRoot
                == "https://api.bitbucket.org/2.0")
        #expect(BitbucketStatusReporter(credentials: .accessToken(token), httpClient: .forTests).apiRoot == "https://api.bitbucket.org/2.0")
    }
}
