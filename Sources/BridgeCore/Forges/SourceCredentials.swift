import Foundation

/// Resolved verification material for one source, built once at startup.
public struct SourceCredentials: Sendable {
    /// HMAC keys for GitHub, Gitea, Forgejo and Bitbucket; any of them may match (rotation).
    public let secrets: [Secret]
    /// GitLab `X-Gitlab-Token` values; any of them may match (rotation).
    public let tokens: [Secret]
    /// GitLab signing tokens in `whsec_<base64>` form (Standard Webhooks); any of them may match.
    public let signingSecrets: [Secret]
    /// Accept GitHub's SHA-1 `X-Hub-Signature` when no SHA-256 signature is sent.
    public let allowSHA1: Bool
    /// Accept unverified deliveries when no secret, token or signing secret is configured.
    public let insecure: Bool
    /// HMAC keys decoded from `signingSecrets`, in the same order.
    let signingKeys: [[UInt8]]

    /// The smallest signing key accepted; Standard Webhooks keys are 24 to 64 bytes and GitLab's are 32.
    static let minimumSigningKeyLength = 24

    /// Creates credentials; throws when a signing secret is not `whsec_` followed by base64 of a key of 24+ bytes.
    public init(
        secrets: [Secret] = [], tokens: [Secret] = [], signingSecrets: [Secret] = [], allowSHA1: Bool = false,
        insecure: Bool = false
    ) throws(CredentialsError) {
        var keys: [[UInt8]] = []
        for secret in signingSecrets {
            keys.append(try Self.signingKey(from: secret))
        }
        self.secrets = secrets
        self.tokens = tokens
        self.signingSecrets = signingSecrets
        self.allowSHA1 = allowSHA1
        self.insecure = insecure
        self.signingKeys = keys
    }

    /// Resolves every secret a source names and validates the signing secrets.
    public init(resolving source: SourceDefinition, with resolver: some SecretResolver) throws(CredentialsError) {
        func resolveAll(_ references: [SecretReference]) throws(CredentialsError) -> [Secret] {
            var resolved: [Secret] = []
            for reference in references {
                do throws(SecretError) {
                    resolved.append(try resolver.resolve(reference))
                } catch {
                    throw .unresolvable(error)
                }
            }
            return resolved
        }
        try self.init(
            secrets: resolveAll(source.secrets), tokens: resolveAll(source.tokens),
            signingSecrets: resolveAll(source.signingSecrets), allowSHA1: source.allowSHA1, insecure: source.insecure
        )
    }

    /// Whether anything is configured that the forge's deliveries can be verified with.
    func hasVerificationMaterial(for forge: Forge) -> Bool {
        switch forge {
        case .gitlab: !tokens.isEmpty || !signingKeys.isEmpty
        case .github, .gitea, .forgejo, .bitbucket: !secrets.isEmpty
        }
    }

    /// Whether no secret, token or signing secret is configured at all.
    var isEmpty: Bool { secrets.isEmpty && tokens.isEmpty && signingSecrets.isEmpty }

    /// The HMAC key of a `whsec_<base64>` signing secret (surrounding whitespace, such as a file's newline, ignored).
    static func signingKey(from secret: Secret) throws(CredentialsError) -> [UInt8] {
        let text = secret.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let prefix = "whsec_"
        guard text.hasPrefix(prefix) else {
            throw .malformedSigningSecret(secret.reference, reason: "it does not start with \(prefix)")
        }
        guard let key = Base64.decode(text.dropFirst(prefix.count)) else {
            throw .malformedSigningSecret(secret.reference, reason: "the part after \(prefix) is not base64")
        }
        guard key.count >= minimumSigningKeyLength else {
            throw .malformedSigningSecret(
                secret.reference, reason: "the key is \(key.count) bytes, fewer than \(minimumSigningKeyLength)")
        }
        return key
    }
}
