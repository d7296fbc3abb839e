/// One forge's API, where runs of that forge's sources report their status (`status.<forge>` in the rules file).
///
/// Which keys a forge takes, and which of them it needs, is its `StatusForge`'s to say.
public struct ForgeStatusSettings: Sendable, Hashable {
    public var forge: Forge
    /// The API's base URL as written, or the forge's default (`https://api.github.com`).
    public var url: String
    /// An API token (GitLab `PRIVATE-TOKEN`, GitHub fine-grained or classic token, Gitea/Forgejo token, Bitbucket
    /// access token).
    public var token: SecretReference?
    /// GitHub App: its id (or client id), and its private key (PEM).
    public var appID: String?
    public var privateKey: SecretReference?
    /// GitHub App: the installation to use for every repository (else found per repository).
    public var installationID: String?
    /// Bitbucket: a user and app password (Basic), instead of a token.
    public var username: String?
    public var appPassword: SecretReference?
    public var position: SourcePosition

    public init(
        forge: Forge, url: String, token: SecretReference? = nil, appID: String? = nil, privateKey: SecretReference? = nil,
        installationID: String? = nil, username: String? = nil, appPassword: SecretReference? = nil, position: SourcePosition
    ) {
        self.forge = forge
        self.url = url
        self.token = token
        self.appID = appID
        self.privateKey = privateKey
        self.installationID = installationID
        self.username = username
        self.appPassword = appPassword
        self.position = position
    }

    /// Every secret reference it holds, with its key.
    public var secrets: [(key: String, reference: SecretReference)] {
        [("token", token), ("private_key", privateKey), ("app_password", appPassword)].compactMap { key, reference in
            reference.map { (key, $0) }
        }
    }
}

/// Where runs report their status (`status:` in the rules file): at most one API per forge.
public struct StatusSettings: Sendable, Hashable {
    public var forges: [Forge: ForgeStatusSettings]

    public init(forges: [Forge: ForgeStatusSettings] = [:]) {
        self.forges = forges
    }

    public subscript(forge: Forge) -> ForgeStatusSettings? {
        get { forges[forge] }
        set { forges[forge] = newValue }
    }

    /// `status.gitlab`.
    public var gitlab: ForgeStatusSettings? { forges[.gitlab] }
}
