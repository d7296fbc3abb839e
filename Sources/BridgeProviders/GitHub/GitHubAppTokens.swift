import BridgeCore
import Foundation
import NIOHTTP1

/// A GitHub App's installation tokens: which installation serves each repository, and each installation's token,
/// each asked of GitHub once for all concurrent callers and kept until shortly before it expires.
///
/// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation
/// — with the app's JWT, `GET /repos/{owner}/{repo}/installation` gives the installation's `id`, and
/// `POST /app/installations/{id}/access_tokens` a `token` that lasts an hour (`expires_at`). A token is used until
/// `renewalMargin` before it expires; one GitHub refuses earlier (revoked, or a clock far off) is dropped by
/// `discard(_:repository:)` and the next caller gets a new one.
actor GitHubAppTokens {
    /// How long before `expires_at` a token is renewed: no call starts with a token about to lapse.
    static let renewalMargin: TimeInterval = 300

    struct Issued: Sendable {
        var token: String
        var expiresAt: Date
    }

    private let jwt: GitHubAppJWT
    /// The installation for every repository, when the settings name one.
    private let fixedInstallation: String?
    private let transport: GitHubTransport
    private var installations: [String: String] = [:]
    private var tokens: [String: Issued] = [:]
    private var pendingInstallations: [String: Task<String, any Error>] = [:]
    private var pendingTokens: [String: Task<Issued, any Error>] = [:]

    init(jwt: GitHubAppJWT, installationID: String?, transport: GitHubTransport) {
        self.jwt = jwt
        self.fixedInstallation = installationID
        self.transport = transport
    }

    /// A token for calls on `repository` (`owner/repo`): the cached one while it is fresh, else a new one, asked for
    /// once however many callers wait for it.
    func token(for repository: String) async throws(ProviderError) -> String {
        let installation = try await installationID(for: repository)
        if let issued = tokens[installation], transport.now() < issued.expiresAt.addingTimeInterval(-Self.renewalMargin) {
            return issued.token
        }
        if let pending = pendingTokens[installation] { return try await Self.outcome(of: pending).token }
        let task = Task { [jwt, transport] in try await Self.issue(installation: installation, jwt: jwt, transport: transport) }
        pendingTokens[installation] = task
        defer { pendingTokens[installation] = nil }
        do {
            let issued = try await Self.outcome(of: task)
            tokens[installation] = issued
            return issued.token
        } catch {
            // An installation removed (or the app uninstalled and installed again) since it was found: look it up again
            // next time. A transient failure keeps it.
            if case .permanent = error, fixedInstallation == nil { installations = installations.filter { $0.value != installation } }
            throw error
        }
    }

    /// Forgets `token`, which GitHub refused, unless it has already been replaced.
    func discard(_ token: String, repository: String) {
        guard let installation = fixedInstallation ?? installations[repository.lowercased()] else { return }
        if tokens[installation]?.token == token { tokens[installation] = nil }
    }

    /// The installation serving `repository`: the configured one, or GitHub's answer, cached per repository (names
    /// are case-insensitive on GitHub).
    private func installationID(for repository: String) async throws(ProviderError) -> String {
        if let fixedInstallation { return fixedInstallation }
        let key = repository.lowercased()
        if let known = installations[key] { return known }
        if let pending = pendingInstallations[key] { return try await Self.outcome(of: pending) }
        let path = try GitHubTransport.repositoryPath(repository) + "/installation"
        let task = Task { [jwt, transport] in try await Self.lookUp(path: path, repository: repository, jwt: jwt, transport: transport) }
        pendingInstallations[key] = task
        defer { pendingInstallations[key] = nil }
        let id = try await Self.outcome(of: task)
        installations[key] = id
        return id
    }

    private static func lookUp(path: String, repository: String, jwt: GitHubAppJWT, transport: GitHubTransport) async throws(ProviderError) -> String
    {
        let credential = try appToken(jwt, transport)
        let answer = try await transport.exchange(.GET, path, credential: credential)
        guard answer.status == 200 else {
            let failure = transport.failure(answer, credential: credential)
            guard answer.status == 404 else { throw failure }
            throw .permanent("\(failure): the GitHub App \(jwt.appID) is not installed on \(repository), or cannot see it")
        }
        guard let id = answer.json?["id"].flatMap(GitHubTransport.identifier) else {
            throw .permanent("GitHub \(answer.status): the installation of \(repository) has no id; is \(transport.shownRoot) a GitHub API?")
        }
        return id
    }

    private static func issue(installation: String, jwt: GitHubAppJWT, transport: GitHubTransport) async throws(ProviderError) -> Issued {
        let credential = try appToken(jwt, transport)
        let path = "/app/installations/\(GitHubTransport.encoded(installation))/access_tokens"
        let answer = try await transport.exchange(.POST, path, credential: credential)
        guard answer.status == 201 else { throw transport.failure(answer, credential: credential) }
        guard let token = answer.json?["token"]?.stringValue, !token.isEmpty,
            let expiry = answer.json?["expires_at"]?.stringValue, let expiresAt = ISO8601DateFormatter().date(from: expiry)
        else {
            throw .permanent(
                "GitHub \(answer.status): the installation token answer has no token or expires_at; is \(transport.shownRoot) a GitHub API?")
        }
        return Issued(token: token, expiresAt: expiresAt)
    }

    private static func appToken(_ jwt: GitHubAppJWT, _ transport: GitHubTransport) throws(ProviderError) -> String {
        do {
            return try jwt.token(now: transport.now())
        } catch {
            throw .permanent("\(error)")
        }
    }

    /// What a shared task ended with, its error as the `ProviderError` it threw.
    private static func outcome<T: Sendable>(of task: Task<T, any Error>) async throws(ProviderError) -> T {
        do {
            return try await task.value
        } catch let error as ProviderError {
            throw error
        } catch {
            throw .retryable("GitHub App token request failed: \(error)")
        }
    }
}
