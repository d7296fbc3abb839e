import BridgeCore

/// Builds the GitHub reporters of a `status.github` block: both kinds, sharing one client.
public enum GitHubReporters {
    /// The deployment and commit-status reporters for `settings`, keyed by kind name (`github-deployment`,
    /// `github-status`), with their secrets resolved now. A GitHub App (`app_id` + `private_key`) is used when the
    /// block names one, else the `token`. Throws a `StatusReportersError` naming the key and its reference when a
    /// secret cannot be read or the key cannot sign (`private_key: the GitHub App private key file:… is not …`), never
    /// with a secret in it; `StatusReporters.make` puts the block's position and name before it.
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
    static func client(settings: ForgeStatusSettings, resolver: any SecretResolver, httpClient: ProviderHTTPClient) throws(StatusReportersError)
        -> GitHubClient
    {
        let credentials: GitHubClient.Credentials
        if let appID = settings.appID, let keyReference = settings.privateKey {
            let key = try resolve(keyReference, resolver, "private_key")
            credentials = .app(id: appID, privateKey: key, installationID: settings.installationID)
        } else if let tokenReference = settings.token {
            credentials = .token(try resolve(tokenReference, resolver, "token"))
        } else {
            throw StatusReportersError("needs credentials: token, or app_id + private_key")
        }
        do {
            // 10 s a request: one update makes up to 7 and must fit the outbox's send budget (90 s).
            return try GitHubClient(baseURL: settings.url, credentials: credentials, httpClient: httpClient, timeout: .seconds(10))
        } catch {
            let key = if case .invalidAppID = error { "app_id" } else { "private_key" }
            throw StatusReportersError("\(key): \(error)")
        }
    }

    private static func resolve(_ reference: SecretReference, _ resolver: any SecretResolver, _ key: String) throws(StatusReportersError) -> Secret {
        do {
            return try resolver.resolve(reference)
        } catch {
            throw StatusReportersError("\(key): \(error)")
        }
    }
}
