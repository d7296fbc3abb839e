/// Why a source's verification material is unusable: a configuration error reported at startup.
///
/// Descriptions name the secret's reference (`env:NAME`, `file:/path`), never its value.
public enum CredentialsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A GitLab signing secret is not `whsec_` followed by the base64 of a key of at least 24 bytes.
    case malformedSigningSecret(SecretReference, reason: String)
    /// A secret reference could not be resolved.
    case unresolvable(SecretError)

    public var description: String {
        switch self {
        case .malformedSigningSecret(let reference, let reason):
            "signing secret \(reference) is not a GitLab signing token (whsec_<base64>): \(reason)"
        case .unresolvable(let error):
            error.description
        }
    }
}
