import BridgeCore

/// The Gitea and Forgejo status reporters, built from a `status.gitea` or `status.forgejo` block: a
/// `StatusReporters.Factory` for each of the two forges.
public enum GiteaReporters {
    /// The commit-status reporter for `settings`, keyed by its `StatusReporterKind` name (`gitea` or `forgejo`, the
    /// forge's name), with its token resolved now. `StatusReporters.make` puts the block's position and name before an
    /// error's message.
    public static func make(
        settings: ForgeStatusSettings, resolver: any SecretResolver, httpClient: ProviderHTTPClient
    ) throws(StatusReportersError) -> [String: any StatusReporter] {
        guard settings.forge == .gitea || settings.forge == .forgejo else {
            throw StatusReportersError("not a Gitea or Forgejo block")
        }
        let token = try ForgeSecret.resolve(settings.token, key: "token", resolver: resolver, headerSafe: true)
        let reporter = GiteaStatusReporter(forge: settings.forge, baseURL: settings.url, token: token, httpClient: httpClient)
        return [settings.forge.rawValue: reporter]
    }
}
