import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// What the GitHub reporter tests share: the fake, clients authenticated either way, updates, and a failure check that
/// no message carries a credential.
enum GitHubFixture {
    static let sha = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"
    static let token = GitHubFake.defaultToken
    static let keyReference = SecretReference.file("/run/secrets/github-app.pem")

    static func fake(
        repositories: [GitHubFake.Repository] = [.init("acme/shop")], tokenLifetime: TimeInterval = 3600, pathPrefix: String = "",
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> GitHubFake {
        GitHubFake(
            appPublicKeyPEM: GitHubTestKey.shared.publicKeyPEM, repositories: repositories, tokenLifetime: tokenLifetime,
            pathPrefix: pathPrefix, now: now)
    }

    static func tokenClient(_ fake: GitHubFake, baseURL: String? = nil, token: String = token, timeout: Duration = .seconds(5)) throws
        -> GitHubClient
    {
        try GitHubClient(
            baseURL: baseURL ?? fake.baseURL, credentials: .token(Secret(bytes: Array(token.utf8), reference: .environment("GITHUB_TOKEN"))),
            httpClient: .forTests, timeout: timeout)
    }

    static func appClient(
        _ fake: GitHubFake, baseURL: String? = nil, installationID: String? = nil, key: GitHubTestKey = .shared, timeout: Duration = .seconds(5),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> GitHubClient {
        let privateKey = Secret(bytes: Array(key.privateKeyPEM.utf8), reference: keyReference)
        return try GitHubClient(
            baseURL: baseURL ?? fake.baseURL, credentials: .app(id: fake.appID, privateKey: privateKey, installationID: installationID),
            httpClient: .forTests, timeout: timeout, now: now)
    }

    static func update(
        _ status: ForgeDeploymentStatus = .queued, deploymentID: String? = nil, requestID: Int64? = 1, repository: String = "acme/shop",
        environment: String = "staging"
    ) -> StatusUpdate {
        StatusUpdate(
            runID: 7, project: repository, repository: repository, rule: "main-to-staging", environment: environment, sha: sha, ref: "main",
            tag: false, status: status, deploymentID: deploymentID, requestID: requestID)
    }

    /// Reports `updates` in order, each carrying the deployment id the one before returned (as the outbox does), and
    /// returns the last id.
    @discardableResult
    static func reportInOrder(_ reporter: any StatusReporter, _ statuses: [ForgeDeploymentStatus], requestID: Int64 = 1) async throws
        -> String?
    {
        var deploymentID: String?
        for (offset, status) in statuses.enumerated() {
            deploymentID = try await reporter.report(update(status, deploymentID: deploymentID, requestID: requestID + Int64(offset)))
        }
        return deploymentID
    }

    /// The error `report` throws; nil when it succeeds. Checks the message never carries a credential: the personal
    /// token, the app's key, or any token the fake issued.
    static func failure(_ reporter: any StatusReporter, _ update: StatusUpdate, fake: GitHubFake? = nil) async -> ProviderError? {
        do {
            _ = try await reporter.report(update)
            return nil
        } catch {
            expectNoCredential(in: "\(error)", fake: fake)
            return error
        }
    }

    static func expectNoCredential(in text: String, fake: GitHubFake?, sourceLocation: SourceLocation = #_sourceLocation) {
        var credentials = [token, "PRIVATE KEY", String(GitHubTestKey.shared.privateKeyPEM.split(separator: "\n")[1])]
        credentials += fake?.issuedTokens.map(\.token) ?? []
        for credential in credentials {
            #expect(!text.contains(credential), "a message carries a credential", sourceLocation: sourceLocation)
        }
    }

    /// The path of each request, prefix removed, with its method: `POST /repos/acme/shop/deployments`.
    static func calls(_ fake: GitHubFake) -> [String] {
        fake.requests.map { "\($0.method) \($0.path.dropFirst(fake.pathPrefix.count))" + ($0.query.map { "?\($0)" } ?? "") }
    }
}
