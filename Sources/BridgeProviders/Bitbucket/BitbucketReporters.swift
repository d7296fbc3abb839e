import BridgeCore

/// The Bitbucket Cloud status reporter, built from a `status.bitbucket` block: a `StatusReporters.Factory`.
public enum BitbucketReporters {
    /// The build-status reporter for `settings`, keyed by its `StatusReporterKind` name (`bitbucket`), with its secret
    /// resolved now: the access token when the block has one (Bearer), else `username` and `app_password` (Basic).
    /// `StatusReporters.make` puts the block's position and name before an error's message.
    public static func make(
        settings: ForgeStatusSettings, resolver: any SecretResolver, httpClient: ProviderHTTPClient
    ) throws(StatusReportersError) -> [String: any StatusReporter] {
        guard settings.forge == .bitbucket else {
            throw StatusReportersError("not a Bitbucket block")
        }
        let credentials: BitbucketStatusReporter.Credentials
        if settings.token != nil {
            let token = try ForgeSecret.resolve(settings.token, key: "token", resolver: resolver, headerSafe: true)
            credentials = .accessToken(token)
        } else if let username = settings.username {
            guard !username.isEmpty, !username.contains(":") else {
                throw StatusReportersError("username must be a user name without a colon")
            }
            let password = try ForgeSecret.resolve(settings.appPassword, key: "app_password", resolver: resolver, headerSafe: false)
            credentials = .appPassword(username: username, password: password)
        } else {
            throw StatusReportersError("needs token, or username + app_password")
        }
        let reporter = BitbucketStatusReporter(baseURL: settings.url, credentials: credentials, httpClient: httpClient)
        return [settings.forge.rawValue: reporter]
    }
}
