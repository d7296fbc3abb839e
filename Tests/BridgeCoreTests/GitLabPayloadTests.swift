import BridgeCore
import Foundation
import Testing

@Suite struct GitLabPayloadTests {
    static let repository = "platform/backend/shop-api"
    static let cloneURL = "https://gitlab.acme.example/platform/backend/shop-api.git"

    static func parse(_ body: [UInt8], event: String, extra: [(name: String, value: String)] = []) throws -> ParsedWebhook {
        let headers: [(name: String, value: String)] =
            [("Content-Type", "application/json"), ("X-Gitlab-Event", event), ("X-Gitlab-Event-UUID", "evt-uuid-1")] + extra
        return try WebhookParser.parse(WebhookRequest(headers: headers, body: body), forge: .gitlab)
    }

    static func parse(_ fixture: String, event: String) throws -> ParsedWebhook {
        try parse(try Fixture.bytes("gitlab", fixture), event: event)
    }

    @Test func pushWithTruncatedCommitList() throws {
        let parsed = try Self.parse("push-truncated", event: "Push Hook")
        let expected = PushEvent(
            forge: .gitlab, repository: Self.repository, refKind: .branch, refName: "main",
            sha: "3a65cfe513d21ccb0d01b2d0ea901b083101d184", before: "f49de81d68684cd98ce6506fb4a6be6590507834",
            created: false, deleted: false, forced: false,
            changedPaths: [
                "src/refunds/endpoint.rb", "spec/refunds/endpoint_spec.rb", "config/routes.rb", "CHANGELOG.md",
                "src/jobs/legacy_refund.rb",
            ],
            pathsTruncated: true, pusher: "jsmith", cloneURL: Self.cloneURL, projectID: "4211")
        #expect(parsed.content == .push([expected]))
        #expect(parsed.eventName == "Push Hook")
        #expect(parsed.deliveryID == "evt-uuid-1")
    }

    @Test func annotatedTagDeploysCheckoutSHA() throws {
        let expected = PushEvent(
            forge: .gitlab, repository: Self.repository, refKind: .tag, refName: "v2.0.0",
            sha: "d9384598dbc40ea41656bf2073187b05f78f2e8e", before: zeroSHA, created: true, deleted: false, forced: false,
            changedPaths: [], pathsTruncated: true, pusher: "jsmith", cloneURL: Self.cloneURL, projectID: "4211")
        let event = try #require(try Self.parse("tag-push-annotated", event: "Tag Push Hook").content.events.first)
        #expect(event == expected)
        #expect(event.sha != "82be7acc9f4aef174a6c67dc0211a26cf2dc2dd7")  // `after`, the tag object
    }

    @Test func branchDeletionHasNullCheckoutSHA() throws {
        let expected = PushEvent(
            forge: .gitlab, repository: Self.repository, refKind: .branch, refName: "spike/payments-v3", sha: "",
            before: "c1861b7a0b65c4540e7b931c8d2fba7ee60f02a7", created: false, deleted: true, forced: false,
            changedPaths: [], pathsTruncated: false, pusher: "jsmith", cloneURL: Self.cloneURL, projectID: "4211")
        #expect(try Self.parse("push-branch-deleted", event: "Push Hook").content == .push([expected]))
    }

    @Test func systemHookPushIsAPush() throws {
        let expected = PushEvent(
            forge: .gitlab, repository: Self.repository, refKind: .branch, refName: "main",
            sha: "f7bcf037389c364f13d8028e10804ddcbe4aac66", before: "3a3c1fe9fce68e760ea39a597cefa836c38a5144",
            created: false, deleted: false, forced: false, changedPaths: ["Gemfile", "Gemfile.lock"], pathsTruncated: false,
            pusher: "jsmith", cloneURL: Self.cloneURL, projectID: "4211")
        #expect(try Self.parse("system-hook-push", event: "System Hook").content == .push([expected]))
    }

    @Test func systemHookOtherEventIsIgnored() throws {
        let body = Array(#"{"event_name": "project_create", "name": "shop", "path_with_namespace": "acme/shop", "project_id": 9}"#.utf8)
        #expect(try Self.parse(body, event: "System Hook").content == .ignored(reason: "system hook event 'project_create' is not a push"))
        // Another event's `commits`, whatever it holds, is not read as a push's.
        let other = Array(#"{"event_name": "merge_request", "commits": [{"added": 3}], "object_attributes": {}}"#.utf8)
        #expect(try Self.parse(other, event: "System Hook").content == .ignored(reason: "system hook event 'merge_request' is not a push"))
        let repositoryUpdate = Array(#"{"event_name": "repository_update", "changes": []}"#.utf8)
        #expect(
            try Self.parse(repositoryUpdate, event: "System Hook").content == .ignored(reason: "system hook event 'repository_update' is not a push"))
        let tagPush = Array(
            #"{"object_kind": "tag_push", "ref": "refs/tags/v1", "after": "4444444444444444444444444444444444444444", "checkout_sha": "5555555555555555555555555555555555555555", "project": {"path_with_namespace": "a/b"}}"#
                .utf8)
        #expect(try Self.parse(tagPush, event: "System Hook").content.events.map(\.sha) == ["5555555555555555555555555555555555555555"])
        #expect(throws: PayloadError.missingField("event_name")) {
            try Self.parse(Array(#"{"name": "x"}"#.utf8), event: "System Hook")
        }
    }

    @Test(arguments: ["Merge Request Hook", "Pipeline Hook", "Job Hook", "Note Hook"])
    func otherHooksAreIgnored(event: String) throws {
        let body = try Fixture.bytes("gitlab", "push-truncated")
        #expect(try Self.parse(body, event: event).content == .ignored(reason: "event '\(event)' is not a push"))
    }

    @Test func repositoryNameFallsBackToWebURLPath() throws {
        let body = Array(
            #"""
            {"object_kind": "push", "ref": "refs/heads/main", "before": "1111111111111111111111111111111111111111",
             "after": "2222222222222222222222222222222222222222", "checkout_sha": "2222222222222222222222222222222222222222",
             "user_name": "Jane Smith", "project": {"id": 7, "web_url": "https://gitlab.example.com/group/sub/proj"},
             "commits": [{"id": "2222222222222222222222222222222222222222", "added": [], "modified": ["x"], "removed": []}],
             "total_commits_count": 1}
            """#.utf8)
        let event = try #require(try Self.parse(body, event: "Push Hook").content.events.first)
        #expect(event.repository == "group/sub/proj")
        #expect(event.cloneURL == "https://gitlab.example.com/group/sub/proj.git")
        #expect(event.projectID == "7")
        #expect(event.pusher == "Jane Smith")
        #expect(!event.pathsTruncated)
    }

    @Test func deliveryIDPrefersIdempotencyKeyThenWebhookID() throws {
        func id(_ headers: [(name: String, value: String)]) -> String? {
            WebhookParser.deliveryID(WebhookRequest(headers: headers, body: []), forge: .gitlab)
        }
        let all: [(name: String, value: String)] = [("X-Gitlab-Event-UUID", "uuid"), ("webhook-id", "wid"), ("Idempotency-Key", "idem")]
        #expect(id(all) == "idem")
        #expect(id(Array(all.prefix(2))) == "wid")
        #expect(id(Array(all.prefix(1))) == "uuid")
        #expect(id([("Idempotency-Key", ""), ("X-Gitlab-Event-UUID", "uuid")]) == "uuid")
        #expect(id([]) == nil)
    }
}
