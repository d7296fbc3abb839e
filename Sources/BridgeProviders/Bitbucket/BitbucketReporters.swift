import BridgeCore

/// The Bitbucket Cloud status reporter the server registers, built from a `status.bitbucket` block.
public enum BitbucketReporters {
    /// The build-status reporter for `settings`, keyed by its `StatusReporterKind` name (`bitbucket`), with its secret
    /// resolved now: the access token when the block has one (Bearer), else `username` and `app_password` (Basic).
    public static func make(
        settings: ForgeStatusSettings, resolver: any SecretResolver, httpClient: ProviderHTTPClient
    ) throws(StatusReporterSetupError) -> [String: any StatusReporter] {
        guard settings.forge == .bitbucket else {
            throw StatusReporterSetupError("\(settings.position): status.\(settings.forge.rawValue) is not a Bitbucket block")
        }
        let credentials: BitbucketStatusReporter.Credentials
        if settings.token != nil {
            let token = try StatusReporterSetupError.secret(settings.token, key: "token", of: settings, resolver: resolver, headerSafe: true)
            credentials = .accessToken(token)
        } else if let username = settings.username {
            guard !username.isEmpty, !username.contains(":") else {
                throw StatusReporterSetupError("\(settings.position): status.bitbucket.username must be a user name without a colon")
            }
            let password = try StatusReporterSetupError.secret(
                settings.appPassword, key: "app_password", of: settings, resolver: resolver, headerSafe: false)
            credentials = .appPassword(username: username, password: password)
        } else {
            throw StatusReporterSetupError("\(settings.position): status.bitbucket needs token, or username + app_password")
        }
        let reporter = BitbucketStatusReporter(baseURL: settings.url, credentials: credentials, httpClient: httpClient)
        return [settings.forge.rawValue: reporter]
    }
}
