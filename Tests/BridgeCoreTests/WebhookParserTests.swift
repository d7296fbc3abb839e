import BridgeCore
import Testing

/// Delivery ids and event names across forges.
@Suite struct WebhookParserTests {
    static let headers: [(name: String, value: String)] = [
        ("X-GitHub-Delivery", "gh"), ("X-GitHub-Event", "push"), ("X-Gitlab-Event", "Push Hook"), ("X-Gitlab-Event-UUID", "gl"),
        ("X-Gitea-Delivery", "gt"), ("X-Gitea-Event", "push"), ("X-Forgejo-Delivery", "fj"), ("X-Forgejo-Event", "push"),
        ("X-Request-UUID", "bb"), ("X-Event-Key", "repo:push"),
    ]

    @Test(arguments: [
        (Forge.github, "gh", "push"), (.gitlab, "gl", "Push Hook"), (.gitea, "gt", "push"), (.forgejo, "fj", "push"),
        (.bitbucket, "bb", "repo:push"),
    ])
    func deliveryIDAndEventName(forge: Forge, id: String, event: String) {
        let request = WebhookRequest(headers: Self.headers, body: [])
        #expect(WebhookParser.deliveryID(request, forge: forge) == id)
        #expect(WebhookParser.eventName(request, forge: forge) == event)
    }

    @Test(arguments: Forge.allCases) func absentOrBlankHeadersAreNil(forge: Forge) {
        let blank = WebhookRequest(headers: Self.headers.map { (name: $0.name, value: " ") }, body: [])
        #expect(WebhookParser.deliveryID(blank, forge: forge) == nil)
        #expect(WebhookParser.eventName(blank, forge: forge) == nil)
        let empty = WebhookRequest(headers: [], body: [])
        #expect(WebhookParser.deliveryID(empty, forge: forge) == nil)
    }

    @Test func headerNamesAreCaseInsensitive() {
        let request = WebhookRequest(headers: [("x-github-delivery", "lower"), ("X-GITHUB-EVENT", "ping")], body: [])
        #expect(WebhookParser.deliveryID(request, forge: .github) == "lower")
        #expect(WebhookParser.eventName(request, forge: .github) == "ping")
    }
}
