extension WebhookParser {
    static func parseGitHub(_ request: WebhookRequest, event: String) throws(PayloadError) -> ParsedWebhook.Content {
        switch event {
        case "ping": return .ping
        case "push":
            let document = try PushDocument(jsonBytes(request))
            return try content(GitHubPayload.read(document.rest).refUpdate.listing(document))
        default: return notAPush(event)
        }
    }

    /// Project and group hooks name the event in the header; system hooks send `System Hook` for everything and
    /// name it in the body's `event_name` / `object_kind`.
    static func parseGitLab(_ request: WebhookRequest, event: String) throws(PayloadError) -> ParsedWebhook.Content {
        switch event {
        case "Push Hook", "Tag Push Hook":
            let document = try PushDocument(request.body)
            return try content(JSONPayload.decode(GitLabPayload.self, from: document.rest).refUpdate().listing(document))
        case "System Hook":
            let document = try PushDocument(request.body)
            let kind = try JSONPayload.decode(GitLabEventKind.self, from: document.rest)
            guard let name = kind.eventName ?? kind.objectKind else { throw .missingField("event_name") }
            guard name == "push" || name == "tag_push" else {
                return .ignored(reason: "system hook event '\(name)' is not a push")
            }
            return try content(JSONPayload.decode(GitLabPayload.self, from: document.rest).refUpdate().listing(document))
        default:
            return notAPush(event)
        }
    }

    static func parseGitea(_ request: WebhookRequest, event: String, forge: Forge) throws(PayloadError) -> ParsedWebhook.Content {
        // Branch deletion arrives as `delete`, tag creation as `push` plus `create`: only `push` is routed.
        guard event == "push" else { return notAPush(event) }
        let document = try PushDocument(jsonBytes(request))
        return try content(JSONPayload.decode(GiteaPayload.self, from: document.rest).refUpdate(forge: forge).listing(document))
    }

    /// Bitbucket Cloud sends no ping when a hook is created; `diagnostics:ping` is what Bitbucket Data Center's
    /// "Test connection" sends, answered as a ping so such a hook pointed here is not disabled.
    static func parseBitbucket(_ request: WebhookRequest, event: String) throws(PayloadError) -> ParsedWebhook.Content {
        switch event {
        case "diagnostics:ping": return .ping
        case "repo:push":
            let updates = try JSONPayload.decode(BitbucketPayload.self, from: request.body).refUpdates
            var events: [PushEvent] = []
            for update in updates {
                if let event = try update.event() { events.append(event) }
            }
            return events.isEmpty ? .ignored(reason: "the push changes no branch or tag") : .push(events)
        default:
            return notAPush(event)
        }
    }
}

/// The fields that say which event a GitLab system hook carries.
private struct GitLabEventKind: Decodable {
    enum CodingKeys: String, CodingKey {
        case eventName = "event_name", objectKind = "object_kind"
    }

    var eventName: String?
    var objectKind: String?
}
