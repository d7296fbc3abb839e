import BridgeCore
import Foundation
import Testing

@Suite struct BitbucketPayloadTests {
    static let repository = "acme-team/shop-web"
    static let cloneURL = "https://bitbucket.org/acme-team/shop-web.git"
    static let uuid = "{7e4b1c2a-5d6f-4a8b-9c0d-1e2f3a4b5c6d}"

    static func parse(_ body: [UInt8], event: String = "repo:push") throws -> ParsedWebhook {
        let headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("X-Event-Key", event), ("X-Hook-UUID", "5c2a9d3e-0000-4000-8000-000000000001"),
            ("X-Request-UUID", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"), ("X-Attempt-Number", "1"),
        ]
        return try WebhookParser.parse(WebhookRequest(headers: headers, body: body), forge: .bitbucket)
    }

    static func parse(_ fixture: String) throws -> ParsedWebhook {
        try parse(try Fixture.bytes("bitbucket", fixture))
    }

    static func event(
        _ kind: RefKind, _ name: String, sha: String, before: String, created: Bool = false, deleted: Bool = false,
        forced: Bool = false
    ) -> PushEvent {
        PushEvent(
            forge: .bitbucket, repository: repository, refKind: kind, refName: name, sha: sha, before: before, created: created,
            deleted: deleted, forced: forced, changedPaths: [], pathsTruncated: !deleted, pusher: "srivera", cloneURL: cloneURL,
            projectID: uuid)
    }

    @Test func branchPush() throws {
        let parsed = try Self.parse("push-branch")
        #expect(parsed.deliveryID == "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d")
        #expect(parsed.eventName == "repo:push")
        // Bitbucket commits carry no file lists, so paths are always unknown.
        let expected = Self.event(
            .branch, "main", sha: "580da5ee4761122f3131346e03f7730bdceebf46", before: "20103ad27bc9d5822202415700dca6f4c1bd9d64")
        #expect(parsed.content == .push([expected]))
        #expect(expected.pathsTruncated)
    }

    @Test func multiChangeDeliveryYieldsOneEventPerChange() throws {
        let expected = [
            Self.event(.branch, "main", sha: "c82f15b377578344011304fb50fb8ce63976d736", before: "902daf9de8444242826a05889a25c96cea7bd9a1"),
            Self.event(
                .branch, "release/1.2", sha: "43614dee3185d9e8ce61e8402b5680d9ee96f9ac", before: "728deb6aec54633f435a14f565829223330685fd",
                forced: true),
            Self.event(.tag, "v1.1.0", sha: "", before: "ac226f536be1b6e3ac038b015c8a0ef1dbc0ed4f", deleted: true),
        ]
        #expect(try Self.parse("push-multi").content == .push(expected))
        #expect(expected[2].pathsTruncated == false)
    }

    @Test func truncatedChange() throws {
        let expected = Self.event(
            .branch, "develop", sha: "46311e6e5620e85e7f631f210ec3e25454660854", before: "5e0abb5291570eeb941f59e0997309d290d872b7")
        #expect(try Self.parse("push-truncated").content == .push([expected]))
    }

    @Test func lightweightTag() throws {
        let expected = Self.event(.tag, "build-2025.03.06", sha: "65e58408df6a4918a12347a8acc543f77844ec3f", before: zeroSHA, created: true)
        #expect(try Self.parse("push-tag-lightweight").content == .push([expected]))
    }

    @Test func annotatedTagDeploysTheTargetCommit() throws {
        let expected = Self.event(.tag, "v1.2.0", sha: "d98e17d568c2f3408eaf7aeba3e35833e3858d35", before: zeroSHA, created: true)
        #expect(try Self.parse("push-tag-annotated").content == .push([expected]))
    }

    @Test func diagnosticsPingIsAPing() throws {
        #expect(try Self.parse(Array(#"{"test": true}"#.utf8), event: "diagnostics:ping").content == .ping)
    }

    @Test(arguments: ["pullrequest:created", "repo:updated", "repo:refs_changed"])
    func otherEventsAreIgnored(event: String) throws {
        #expect(
            try Self.parse(try Fixture.bytes("bitbucket", "push-branch"), event: event).content == .ignored(reason: "event '\(event)' is not a push"))
    }

    @Test func cloneURLIsDerivedFromFullNameWithoutLinks() throws {
        let body = Array(
            #"""
            {"actor": {"display_name": "Sam Rivera"},
             "repository": {"full_name": "acme-team/api", "uuid": "{1}"},
             "push": {"changes": [{"old": null, "created": true, "closed": false, "forced": false, "truncated": false,
                        "new": {"type": "branch", "name": "main", "target": {"type": "commit", "hash": "7777777777777777777777777777777777777777"}},
                        "commits": []}]}}
            """#.utf8)
        let event = try #require(try Self.parse(body).content.events.first)
        #expect(event.cloneURL == "https://bitbucket.org/acme-team/api.git")
        #expect(event.pusher == "Sam Rivera")
        #expect(event.created)
    }

    @Test func emptyChangesAreIgnored() throws {
        let body = Array(#"{"repository": {"full_name": "acme-team/api"}, "push": {"changes": []}}"#.utf8)
        #expect(try Self.parse(body).content == .ignored(reason: "the push changes no branch or tag"))
        #expect(throws: PayloadError.missingField("push")) {
            try Self.parse(Array(#"{"repository": {"full_name": "acme-team/api"}}"#.utf8))
        }
    }
}
