import BridgeCore
import Foundation
import NIOHTTP1

/// GitHub's REST API as the status reporters call it: one client per `status.github` block, shared by the deployment
/// and the commit-status reporter, so a GitHub App's installation tokens are asked for once for both.
///
/// It authenticates with a token (fine-grained, classic, or any bearer token GitHub accepts) or as a GitHub App: the
/// app's JWT finds the repository's installation and gets its token (`GitHubAppTokens`); a call GitHub answers 401
/// with an installation token is sent once more with a new token. It never follows a redirect (`ProviderHTTPClient`),
/// so no credential reaches another host, and no error it throws quotes a credential.
public struct GitHubClient: Sendable {
    /// github.com's API.
    public static let defaultBaseURL = "https://api.github.com"

    /// How the client authenticates.
    public enum Credentials: Sendable {
        /// A fine-grained or classic personal access token (or any token GitHub takes as `Bearer`).
        case token(Secret)
        /// A GitHub App: its id or client id, its private key (PEM), and the installation to use for every repository
        /// (nil: found per repository).
        case app(id: String, privateKey: Secret, installationID: String?)
    }

    private enum Authentication: Sendable {
        case token(Secret)
        case app(GitHubAppTokens)
    }

    let transport: GitHubTransport
    private let authentication: Authentication

    /// A client for the API at `baseURL` (`https://api.github.com`, or `https://ghe.example.com/api/v3` for GitHub
    /// Enterprise Server; trailing slashes are dropped, an empty one is github.com). `timeout` bounds each request;
    /// `now` dates tokens, JWTs and rate-limit waits. Throws when an app's id or private key cannot sign.
    public init(
        baseURL: String = GitHubClient.defaultBaseURL, credentials: Credentials, httpClient: ProviderHTTPClient,
        timeout: Duration = .seconds(15), now: @escaping @Sendable () -> Date = { Date() }
    ) throws(GitHubAppKeyError) {
        transport = GitHubTransport(baseURL: baseURL, httpClient: httpClient, timeout: timeout, now: now)
        switch credentials {
        case .token(let token):
            authentication = .token(token)
        case .app(let id, let privateKey, let installationID):
            let jwt = try GitHubAppJWT(appID: id, privateKey: privateKey)
            authentication = .app(GitHubAppTokens(jwt: jwt, installationID: installationID, transport: transport))
        }
    }

    /// The API root requests go to (`https://ghe.example.com/api/v3`).
    public var apiRoot: String { transport.apiRoot }

    /// Sends `method path` for `repository` (`owner/repo`, whose installation's token an app uses) with `body` as JSON,
    /// and returns the answer when its status is one of `expecting`; any other answer is thrown, classified
    /// (`GitHubFailure`). An installation token GitHub refuses (401) is replaced, and the call sent once more.
    func send(
        _ method: HTTPMethod, _ path: String, repository: String, body: ConfigValue? = nil, expecting: Set<Int>
    ) async throws(ProviderError) -> HTTPAnswer {
        switch authentication {
        case .token(let token):
            guard !token.bytes.isEmpty, token.bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                throw .permanent("the GitHub token \(token.reference) is empty or has characters an HTTP header cannot carry")
            }
            let answer = try await transport.exchange(method, path, credential: token.text, body: body)
            guard expecting.contains(answer.status) else { throw transport.failure(answer, credential: token.text) }
            return answer
        case .app(let tokens):
            var token = try await tokens.token(for: repository)
            var answer = try await transport.exchange(method, path, credential: token, body: body)
            if answer.status == 401 {
                // Revoked, or expired early by GitHub's clock: a new token, once.
                await tokens.discard(token, repository: repository)
                token = try await tokens.token(for: repository)
                answer = try await transport.exchange(method, path, credential: token, body: body)
            }
            guard expecting.contains(answer.status) else { throw transport.failure(answer, credential: token) }
            return answer
        }
    }
}
