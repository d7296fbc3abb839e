import Foundation

/// Signs a payload exactly as a forge would, for `gitops-bridge send`: the headers to post with the body.
///
/// The first configured secret, token and signing secret are used. A source with none gets the headers the forge
/// sends for a hook without a secret (Gitea and Forgejo then send empty signature headers).
public enum WebhookSigner {
    /// The headers for posting `body` (JSON) to a source of `forge`.
    ///
    /// - Parameters:
    ///   - kind: `.branch` for a branch push, `.tag` for a tag push (GitLab `Push Hook` / `Tag Push Hook`; the
    ///     other forges name both `push`, Bitbucket `repo:push`).
    ///   - deliveryID: the delivery id to send (a UUID); GitLab also uses it as `Idempotency-Key` and `webhook-id`.
    ///   - now: the time of the delivery, for the Standard Webhooks `webhook-timestamp`.
    public static func headers(
        forge: Forge, body: [UInt8], kind: RefKind, credentials: SourceCredentials, deliveryID: String, now: Date
    ) -> [(name: String, value: String)] {
        var headers = [(name: HeaderName.contentType, value: "application/json")]
        switch forge {
        case .github:
            headers += githubHeaders(body: body, secret: credentials.secrets.first, deliveryID: deliveryID)
        case .gitlab:
            headers += gitlabHeaders(body: body, kind: kind, credentials: credentials, deliveryID: deliveryID, now: now)
        case .gitea:
            headers += giteaHeaders(body: body, secret: credentials.secrets.first, deliveryID: deliveryID, forgejo: false)
        case .forgejo:
            headers += giteaHeaders(body: body, secret: credentials.secrets.first, deliveryID: deliveryID, forgejo: true)
        case .bitbucket:
            headers += bitbucketHeaders(body: body, secret: credentials.secrets.first, deliveryID: deliveryID)
        }
        return headers
    }

    /// GitHub sends both the SHA-256 and the legacy SHA-1 signature when the hook has a secret.
    static func githubHeaders(body: [UInt8], secret: Secret?, deliveryID: String) -> [(name: String, value: String)] {
        var headers = [(name: HeaderName.githubEvent, value: "push"), (name: HeaderName.githubDelivery, value: deliveryID)]
        if let secret {
            headers.append((HeaderName.hubSignature, "sha1=" + hmacHex(.sha1, secret, body)))
            headers.append((HeaderName.hubSignature256, "sha256=" + hmacHex(.sha256, secret, body)))
        }
        return headers
    }

    static func gitlabHeaders(body: [UInt8], kind: RefKind, credentials: SourceCredentials, deliveryID: String, now: Date)
        -> [(name: String, value: String)]
    {
        var headers = [
            (name: HeaderName.gitlabEvent, value: kind == .tag ? "Tag Push Hook" : "Push Hook"),
            (name: HeaderName.gitlabEventUUID, value: deliveryID),
            (name: HeaderName.idempotencyKey, value: deliveryID),
        ]
        if let token = credentials.tokens.first {
            headers.append((HeaderName.gitlabToken, token.text))
        }
        if let key = credentials.signingKeys.first {
            let timestamp = String(StandardWebhooks.unixSeconds(now) ?? 0)
            headers.append((HeaderName.webhookID, deliveryID))
            headers.append((HeaderName.webhookTimestamp, timestamp))
            let signature = StandardWebhooks.signature(key: key, id: deliveryID, timestamp: timestamp, body: body)
            headers.append((HeaderName.webhookSignature, signature))
        }
        return headers
    }

    /// Gitea's `addDefaultHeaders` (`services/webhook/deliver.go`): its own, Gogs' and GitHub's names; Forgejo
    /// sends its `X-Forgejo-*` set first. Signatures are empty when the hook has no secret.
    static func giteaHeaders(body: [UInt8], secret: Secret?, deliveryID: String, forgejo: Bool) -> [(name: String, value: String)] {
        let sha256 = secret.map { hmacHex(.sha256, $0, body) } ?? ""
        let sha1 = secret.map { hmacHex(.sha1, $0, body) } ?? ""
        var headers: [(name: String, value: String)] = []
        if forgejo {
            headers += [
                (HeaderName.forgejoDelivery, deliveryID), (HeaderName.forgejoEvent, "push"),
                (HeaderName.forgejoEventType, "push"), (HeaderName.forgejoSignature, sha256),
            ]
        }
        headers += [
            (HeaderName.giteaDelivery, deliveryID), (HeaderName.giteaEvent, "push"), (HeaderName.giteaEventType, "push"),
            (HeaderName.giteaSignature, sha256), (HeaderName.gogsDelivery, deliveryID), (HeaderName.gogsEvent, "push"),
            (HeaderName.gogsEventType, "push"), (HeaderName.gogsSignature, sha256), (HeaderName.hubSignature, "sha1=" + sha1),
            (HeaderName.hubSignature256, "sha256=" + sha256), (HeaderName.githubDelivery, deliveryID),
            (HeaderName.githubEvent, "push"), (HeaderName.githubEventType, "push"),
        ]
        return headers
    }

    static func bitbucketHeaders(body: [UInt8], secret: Secret?, deliveryID: String) -> [(name: String, value: String)] {
        var headers = [
            (name: HeaderName.bitbucketEvent, value: "repo:push"), (name: HeaderName.bitbucketRequestUUID, value: deliveryID),
            (name: HeaderName.bitbucketAttempt, value: "1"),
        ]
        if let secret {
            headers.append((HeaderName.hubSignature, "sha256=" + hmacHex(.sha256, secret, body)))
        }
        return headers
    }

    private static func hmacHex(_ algorithm: Digest.Algorithm, _ secret: Secret, _ body: [UInt8]) -> String {
        Hex.encode(Digest.hmac(algorithm, key: secret.bytes, message: body))
    }
}
