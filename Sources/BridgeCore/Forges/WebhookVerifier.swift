import Foundation

/// Proves that a delivery comes from the forge: HMAC signatures or tokens, checked over the raw body bytes before
/// anything parses them, with constant-time comparisons. Any configured secret may match (rotation).
public enum WebhookVerifier {
    /// Verifies `request` for a source of `forge`; throws why it is not genuine.
    ///
    /// - GitHub: `X-Hub-Signature-256: sha256=<hex>`; `X-Hub-Signature: sha1=<hex>` only with `allowSHA1` and
    ///   no SHA-256 header. Form-encoded hooks are verified over the body as sent.
    /// - GitLab: `X-Gitlab-Token` when tokens are configured, Standard Webhooks (`webhook-signature`) when signing
    ///   secrets are configured; both when both are.
    /// - Gitea/Forgejo: bare hex `X-Gitea-Signature` / `X-Forgejo-Signature` over the JSON payload, which for
    ///   form-encoded hooks is the decoded `payload` field.
    /// - Bitbucket Cloud: `X-Hub-Signature: sha256=<hex>`.
    ///
    /// A source with nothing configured at all is accepted unverified only when it is marked insecure.
    public static func verify(_ request: WebhookRequest, forge: Forge, credentials: SourceCredentials, now: Date)
        throws(SignatureError)
    {
        guard credentials.hasVerificationMaterial(for: forge) else {
            // Insecure waives verification only when nothing is configured: material of the wrong kind for this
            // forge (an HMAC secret on a GitLab source) is a mistake, not a request for unverified deliveries.
            if credentials.insecure && credentials.isEmpty { return }
            throw .noSecretConfigured
        }
        switch forge {
        case .github:
            try verifyHubSignature(request, credentials: credentials, reportedHeader: HeaderName.hubSignature256)
        case .bitbucket:
            try verifyHubSignature(request, credentials: credentials, reportedHeader: HeaderName.hubSignature)
        case .gitea:
            try verifyGiteaSignature(request, headerNames: [HeaderName.giteaSignature], secrets: credentials.secrets)
        case .forgejo:
            // Forgejo sends its own header and Gitea's with the same value; older Forgejo sent only Gitea's.
            try verifyGiteaSignature(
                request, headerNames: [HeaderName.forgejoSignature, HeaderName.giteaSignature], secrets: credentials.secrets)
        case .gitlab:
            try verifyGitLab(request, credentials: credentials, now: now)
        }
    }

    /// GitHub and Bitbucket: `X-Hub-Signature-256: sha256=<hex>`, else `X-Hub-Signature: <algorithm>=<hex>`.
    ///
    /// The algorithm comes from the prefix, never from the header name: GitHub's `X-Hub-Signature` is SHA-1 while
    /// Bitbucket's is SHA-256.
    static func verifyHubSignature(_ request: WebhookRequest, credentials: SourceCredentials, reportedHeader: String)
        throws(SignatureError)
    {
        if let value = request.nonEmptyHeader(HeaderName.hubSignature256) {
            let (algorithm, received) = try parsePrefixedSignature(value, header: HeaderName.hubSignature256)
            guard algorithm == .sha256 else { throw .unsupportedAlgorithm(header: HeaderName.hubSignature256) }
            try requireMatch(algorithm, received, secrets: credentials.secrets, message: request.body, header: HeaderName.hubSignature256)
            return
        }
        guard let value = request.nonEmptyHeader(HeaderName.hubSignature) else {
            throw .missingSignature(header: reportedHeader)
        }
        let (algorithm, received) = try parsePrefixedSignature(value, header: HeaderName.hubSignature)
        if algorithm == .sha1 && !credentials.allowSHA1 { throw .sha1NotAllowed }
        try requireMatch(algorithm, received, secrets: credentials.secrets, message: request.body, header: HeaderName.hubSignature)
    }

    /// Gitea and Forgejo: the first present, non-empty header of `headerNames`, bare lowercase hex HMAC-SHA256.
    static func verifyGiteaSignature(_ request: WebhookRequest, headerNames: [String], secrets: [Secret]) throws(SignatureError) {
        guard let header = headerNames.first(where: { request.nonEmptyHeader($0) != nil }),
            let value = request.nonEmptyHeader(header)
        else { throw .missingSignature(header: headerNames[0]) }
        guard let received = Hex.decode(value), received.count == Digest.Algorithm.sha256.length else {
            throw .malformedSignature(header: header)
        }
        try requireMatch(.sha256, received, secrets: secrets, message: try giteaSignedContent(request), header: header)
    }

    /// What Gitea signs: the JSON payload, which a form-encoded hook sends url-encoded in the `payload` field.
    static func giteaSignedContent(_ request: WebhookRequest) throws(SignatureError) -> [UInt8] {
        guard request.mediaType == "application/x-www-form-urlencoded" else { return request.body }
        guard case .found(let payload) = FormURLEncoded.value(of: "payload", in: request.body) else {
            throw .missingFormPayload
        }
        return payload
    }

    /// Splits `sha256=<hex>` / `sha1=<hex>` into the algorithm and the decoded MAC.
    static func parsePrefixedSignature(_ value: String, header: String) throws(SignatureError) -> (Digest.Algorithm, [UInt8]) {
        guard let equals = value.firstIndex(of: "=") else { throw .malformedSignature(header: header) }
        let algorithm: Digest.Algorithm
        switch value[..<equals].lowercased() {
        case "sha256": algorithm = .sha256
        case "sha1": algorithm = .sha1
        default: throw .unsupportedAlgorithm(header: header)
        }
        let hex = value[value.index(after: equals)...]
        // Gitea sends `sha256=` with nothing after it when the hook has no secret.
        guard !hex.isEmpty else { throw .missingSignature(header: header) }
        guard let mac = Hex.decode(hex), mac.count == algorithm.length else { throw .malformedSignature(header: header) }
        return (algorithm, mac)
    }

    /// Throws `.mismatch` unless the HMAC of `message` under some secret equals `received`.
    static func requireMatch(
        _ algorithm: Digest.Algorithm, _ received: [UInt8], secrets: [Secret], message: [UInt8], header: String
    ) throws(SignatureError) {
        // Every secret is tried, so timing does not tell which one matched.
        var matched = false
        for secret in secrets where Digest.constantTimeEqual(Digest.hmac(algorithm, key: secret.bytes, message: message), received) {
            matched = true
        }
        guard matched else { throw .mismatch(header: header) }
    }
}
