import Foundation

extension WebhookVerifier {
    /// GitLab: every configured mechanism must pass. GitLab sends the secret token and the signature side by side,
    /// so a source with both refuses a delivery that lacks either.
    static func verifyGitLab(_ request: WebhookRequest, credentials: SourceCredentials, now: Date) throws(SignatureError) {
        if !credentials.tokens.isEmpty {
            try verifyGitLabToken(request, tokens: credentials.tokens)
        }
        if !credentials.signingKeys.isEmpty {
            try verifyStandardWebhook(request, keys: credentials.signingKeys, now: now)
        }
    }

    /// The legacy `X-Gitlab-Token`, sent in clear.
    static func verifyGitLabToken(_ request: WebhookRequest, tokens: [Secret]) throws(SignatureError) {
        guard let token = request.header(HeaderName.gitlabToken),
            !token.trimmingCharacters(in: .whitespaces).isEmpty
        else { throw .missingToken }
        // Comparing SHA-256 digests keeps the comparison constant-time even in the token's length.
        let received = Digest.hash(.sha256, Array(token.utf8))
        var matched = false
        for candidate in tokens where Digest.constantTimeEqual(Digest.hash(.sha256, candidate.bytes), received) {
            matched = true
        }
        guard matched else { throw .tokenMismatch }
    }

    /// GitLab signing tokens (Standard Webhooks). The path is chosen by `webhook-signature`, never `webhook-id`:
    /// GitLab may send `webhook-id` and `webhook-timestamp` on every delivery, signed or not.
    static func verifyStandardWebhook(_ request: WebhookRequest, keys: [[UInt8]], now: Date) throws(SignatureError) {
        let signatures = request.headerValues(HeaderName.webhookSignature).filter {
            !$0.trimmingCharacters(in: .whitespaces).isEmpty
        }
        guard !signatures.isEmpty else { throw .missingSignature(header: HeaderName.webhookSignature) }
        guard let id = request.nonEmptyHeader(HeaderName.webhookID) else { throw .missingWebhookID }
        guard let timestamp = request.nonEmptyHeader(HeaderName.webhookTimestamp) else { throw .missingTimestamp }
        try StandardWebhooks.checkTimestamp(timestamp, now: now)
        try StandardWebhooks.verify(signatureHeaders: signatures, keys: keys, id: id, timestamp: timestamp, body: request.body)
    }
}
