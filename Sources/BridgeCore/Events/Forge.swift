/// The forges that can send webhooks to the bridge.
public enum Forge: String, Sendable, Hashable, CaseIterable, Codable {
    case github
    case gitlab
    case gitea
    case forgejo
    case bitbucket
}
