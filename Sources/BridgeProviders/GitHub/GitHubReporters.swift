import BridgeCore

/// Builds the GitHub reporters of a `status.github` block: both kinds, sharing one client.
public enum GitHubReporters {
    /// The deployment and commit-status reporters for `settings`, keyed by kind name (`github-deployment`,
    /// `github-status`), with their secrets resolved now. A GitHub App (`app_id` + `private_key`) is used when the
    /// block names one, else the `token`. Throws `GitHubSetupError` naming the setting and its reference when a
    /// secret cannot be read or the key cannot sign; never with a secret in it.
    public static func make(
        settings: ForgeStatusSettings, resolver: any SecretResolver, httpClient: ProviderHTTPClient
    ) throws -> [String: any StatusReporter] {
        let client = try client(settings: settings, resolver: resolver, httpClient: httpClient)
        return [
            GitHubDeploymentReporter.kind: GitHubDeploymentReporter(client: client),
            GitHubCommitStatusReporter.kind: GitHubCommitStatusReporter(client: client),
        ]
    }

    /// The client both reporters share.
    static func client(settings: ForgeStatusSettings, resolver: any SecretResolver, httpClient: ProviderHTTPClient) throws(GitHubSetupError)
        -> GitHubClient
    {
        let place = "\(settings.position): status.\(settings.forge.rawValue)"
        let credentials: GitHubClient.Credentials
        if let appID = settings.appID, let keyReference = settings.privateKey {
            let key = try resolve(keyReference, resolver, "\(place).private_key")
            credentials = .app(id: appID, privateKey: key, installationID: settings.installationID)
        } else if let tokenReference = settings.token {
            credentials = .token(try resolve(tokenReference, resolver, "\(place).token"))
        } else {
            throw GitHubSetupError(description: "\(place) needs credentials: token, or app_id + private_key")
        }
        do {
            return try GitHubClient(baseURL: settings.url, credentials: credentials, httpClient: httpClient)
        } catch {
            let key = if case .invalidAppID = error { "app_id" } else { "private_key" }
            throw GitHubSetupError(description: "\(place).\(key): \(error)")
        }
    }

    private static func resolve(_ reference: SecretReference, _ resolver: any SecretResolver, _ place: String) throws(GitHubSetupError) -> Secret {
        do {
            return try resolver.resolve(reference)
        } catch {
            throw GitHubSetupError(description: "\(place): \(error)")
        }
    }
}

/// Why a `status.github` block's reporters could not be built: the setting, its reference and the reason, never a
/// secret.
public struct GitHubSetupError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}
