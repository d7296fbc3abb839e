/// Why a delivery failed verification. For server logs only: the HTTP layer answers a bare 401.
///
/// Descriptions name headers and configuration, never a secret, a token, a signature value or the body.
public enum SignatureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The source has no secret, token or signing secret usable for this forge (and is not an insecure source with none).
    case noSecretConfigured
    /// The signature header is absent or blank (Gitea and Forgejo send it blank when the hook has no secret).
    case missingSignature(header: String)
    /// The signature header is not in the forge's format (bad prefix, bad hex or base64).
    case malformedSignature(header: String)
    /// The signature uses an algorithm the bridge does not verify (only `v1a` entries, an unknown prefix).
    case unsupportedAlgorithm(header: String)
    /// Only a SHA-1 signature was sent and the source does not allow SHA-1.
    case sha1NotAllowed
    /// No configured secret produces the received signature.
    case mismatch(header: String)
    /// GitLab: the `X-Gitlab-Token` header is absent or blank.
    case missingToken
    /// GitLab: the `X-Gitlab-Token` header matches no configured token.
    case tokenMismatch
    /// Standard Webhooks: the `webhook-id` header is absent.
    case missingWebhookID
    /// Standard Webhooks: the `webhook-timestamp` header is absent.
    case missingTimestamp
    /// Standard Webhooks: the `webhook-timestamp` header is not Unix seconds.
    case malformedTimestamp
    /// Standard Webhooks: the timestamp is too far from the server clock (positive skew: in the future).
    case timestampOutsideTolerance(skewSeconds: Int64)
    /// Gitea/Forgejo form hooks: there is no `payload` field whose content the signature covers.
    case missingFormPayload

    public var description: String {
        switch self {
        case .noSecretConfigured:
            "no secret usable for this forge is configured (GitLab uses tokens and signing secrets, the other forges "
                + "HMAC secrets); configure one, or mark a source without any secret insecure"
        case .missingSignature(let header):
            "the \(header) header is missing or empty; is a secret set on the forge's webhook?"
        case .malformedSignature(let header):
            "the \(header) header is not a well-formed signature"
        case .unsupportedAlgorithm(let header):
            "the \(header) header carries no signature in a supported algorithm"
        case .sha1NotAllowed:
            "the delivery carries only a SHA-1 signature (X-Hub-Signature) and the source does not allow SHA-1"
        case .mismatch(let header):
            "the \(header) signature matches no configured secret (wrong secret, or the body was altered)"
        case .missingToken:
            "the X-Gitlab-Token header is missing or empty; is a secret token set on the GitLab webhook?"
        case .tokenMismatch:
            "the X-Gitlab-Token header matches no configured token"
        case .missingWebhookID:
            "the webhook-id header is missing"
        case .missingTimestamp:
            "the webhook-timestamp header is missing"
        case .malformedTimestamp:
            "the webhook-timestamp header is not Unix seconds"
        case .timestampOutsideTolerance(let skew):
            "the webhook-timestamp is \(skew.magnitude) s in the \(skew > 0 ? "future" : "past"); "
                + "the tolerance is \(StandardWebhooks.toleranceSeconds) s (check both clocks)"
        case .missingFormPayload:
            "the form-encoded body has no payload field to verify"
        }
    }
}
