import Foundation

/// Parses a verified delivery and normalises it to `PushEvent`s, or says it is a ping or an event to ignore.
public enum WebhookParser {
    /// Parses `request` as `forge` sends it. Call only after `WebhookVerifier.verify` succeeded.
    ///
    /// Pings (GitHub `ping`, Bitbucket `diagnostics:ping`) are `.ping`; GitLab's and Gitea's "test" deliveries
    /// are real push payloads and parse as pushes. Other events are `.ignored` with the reason.
    public static func parse(_ request: WebhookRequest, forge: Forge) throws(PayloadError) -> ParsedWebhook {
        guard let event = eventName(request, forge: forge) else { throw .missingHeader(eventHeaderName(forge)) }
        let content: ParsedWebhook.Content
        switch forge {
        case .github: content = try parseGitHub(request, event: event)
        case .gitlab: content = try parseGitLab(request, event: event)
        case .gitea, .forgejo: content = try parseGitea(request, event: event, forge: forge)
        case .bitbucket: content = try parseBitbucket(request, event: event)
        }
        return ParsedWebhook(deliveryID: deliveryID(request, forge: forge), eventName: event, content: content)
    }

    /// The forge's own delivery id: GitHub `X-GitHub-Delivery`; GitLab `Idempotency-Key`, else `webhook-id`, else
    /// `X-Gitlab-Event-UUID`; Gitea `X-Gitea-Delivery`; Forgejo `X-Forgejo-Delivery`, else `X-Gitea-Delivery`;
    /// Bitbucket `X-Request-UUID`. Nil when absent or blank.
    public static func deliveryID(_ request: WebhookRequest, forge: Forge) -> String? {
        switch forge {
        case .github: request.firstNonEmptyHeader(HeaderName.githubDelivery)
        case .gitlab: request.firstNonEmptyHeader(HeaderName.idempotencyKey, HeaderName.webhookID, HeaderName.gitlabEventUUID)
        case .gitea: request.firstNonEmptyHeader(HeaderName.giteaDelivery)
        case .forgejo: request.firstNonEmptyHeader(HeaderName.forgejoDelivery, HeaderName.giteaDelivery)
        case .bitbucket: request.firstNonEmptyHeader(HeaderName.bitbucketRequestUUID)
        }
    }

    /// The forge's event name: `X-GitHub-Event`, `X-Gitlab-Event`, `X-Gitea-Event`, `X-Forgejo-Event` (else
    /// `X-Gitea-Event`), `X-Event-Key`. Nil when absent or blank.
    public static func eventName(_ request: WebhookRequest, forge: Forge) -> String? {
        switch forge {
        case .forgejo: request.firstNonEmptyHeader(HeaderName.forgejoEvent, HeaderName.giteaEvent)
        default: request.firstNonEmptyHeader(eventHeaderName(forge))
        }
    }

    static func eventHeaderName(_ forge: Forge) -> String {
        switch forge {
        case .github: HeaderName.githubEvent
        case .gitlab: HeaderName.gitlabEvent
        case .gitea: HeaderName.giteaEvent
        case .forgejo: HeaderName.forgejoEvent
        case .bitbucket: HeaderName.bitbucketEvent
        }
    }

    /// The JSON document: the body, or the `payload` field of a form-encoded body (GitHub and Gitea form hooks).
    static func jsonBytes(_ request: WebhookRequest) throws(PayloadError) -> [UInt8] {
        guard request.mediaType == "application/x-www-form-urlencoded" else { return request.body }
        switch FormURLEncoded.value(of: "payload", in: request.body) {
        case .found(let payload): return payload
        case .missing: throw .malformedForm(reason: "there is no payload field")
        case .malformed: throw .malformedForm(reason: "a percent-escape is not two hex digits")
        }
    }

    /// `.push` with the event, or `.ignored` when the ref is neither a branch nor a tag.
    static func content(_ update: RefUpdate) throws(PayloadError) -> ParsedWebhook.Content {
        guard let event = try update.event() else { return .ignored(reason: "ref '\(update.ref)' is neither a branch nor a tag") }
        return .push([event])
    }

    static func notAPush(_ event: String) -> ParsedWebhook.Content {
        .ignored(reason: "event '\(event)' is not a push")
    }
}
