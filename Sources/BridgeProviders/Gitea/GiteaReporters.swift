import BridgeCore

/// The Gitea and Forgejo status reporters the server registers, built from a `status.gitea` or `status.forgejo` block.
public enum GiteaReporters {
    /// The commit-status reporter for `settings`, keyed by its `StatusReporterKind` name (`gitea` or `forgejo`, the
    /// forge's name), with its token resolved now.
    public static func make(
        settings: ForgeStatusSettings, resolver: any SecretResolver, httpClient: ProviderHTTPClient
    ) throws(StatusReporterSetupError) -> [String: any StatusReporter] {
        guard settings.forge == .gitea || settings.forge == .forgejo else {
            throw StatusReporterSetupError("\(settings.position): status.\(settings.forge.rawValue) is not a Gitea or Forgejo block")
        }
        let token = try StatusReporterSetupError.secret(settings.token, key: "token", of: settings, resolver: resolver, headerSafe: true)
        let reporter = GiteaStatusReporter(forge: settings.forge, baseURL: settings.url, token: token, httpClient: httpClient)
        return [settings.forge.rawValue: reporter]
    }
}
