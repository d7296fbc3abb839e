import Foundation

/// Header names the forges send, as documented (matched case-insensitively by `WebhookRequest`).
enum HeaderName {
    static let contentType = "Content-Type"

    static let githubEvent = "X-GitHub-Event"
    static let githubEventType = "X-GitHub-Event-Type"
    static let githubDelivery = "X-GitHub-Delivery"
    static let hubSignature = "X-Hub-Signature"
    static let hubSignature256 = "X-Hub-Signature-256"

    static let gitlabEvent = "X-Gitlab-Event"
    static let gitlabToken = "X-Gitlab-Token"
    static let gitlabEventUUID = "X-Gitlab-Event-UUID"
    static let idempotencyKey = "Idempotency-Key"
    static let webhookID = "webhook-id"
    static let webhookTimestamp = "webhook-timestamp"
    static let webhookSignature = "webhook-signature"

    static let giteaEvent = "X-Gitea-Event"
    static let giteaEventType = "X-Gitea-Event-Type"
    static let giteaDelivery = "X-Gitea-Delivery"
    static let giteaSignature = "X-Gitea-Signature"
    static let gogsEvent = "X-Gogs-Event"
    static let gogsEventType = "X-Gogs-Event-Type"
    static let gogsDelivery = "X-Gogs-Delivery"
    static let gogsSignature = "X-Gogs-Signature"

    static let forgejoEvent = "X-Forgejo-Event"
    static let forgejoEventType = "X-Forgejo-Event-Type"
    static let forgejoDelivery = "X-Forgejo-Delivery"
    static let forgejoSignature = "X-Forgejo-Signature"

    static let bitbucketEvent = "X-Event-Key"
    static let bitbucketRequestUUID = "X-Request-UUID"
    static let bitbucketAttempt = "X-Attempt-Number"
}

extension WebhookRequest {
    /// The first value of a header, or nil when it is absent or blank (Gitea sends empty signature headers).
    func nonEmptyHeader(_ name: String) -> String? {
        guard let value = header(name)?.trimmingHeaderWhitespace(), !value.isEmpty else { return nil }
        return value
    }

    /// The first of `names` that is present and not blank.
    func firstNonEmptyHeader(_ names: String...) -> String? {
        for name in names {
            if let value = nonEmptyHeader(name) { return value }
        }
        return nil
    }
}
