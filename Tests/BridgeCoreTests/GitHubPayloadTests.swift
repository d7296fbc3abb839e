import BridgeCore
import Foundation
import Testing

@Suite struct GitHubPayloadTests {
    static let repository = "acme/shop"
    static let cloneURL = "https://github.com/acme/shop.git"

    static func parse(_ fixture: String, event: String = "push", contentType: String = "application/json") throws -> ParsedWebhook {
        let body = try Fixture.bytes("github", fixture)
        return try parse(body, event: event, contentType: contentType)
    }

    static func parse(_ body: [UInt8], event: String = "push", contentType: String = "application/json") throws -> ParsedWebhook {
        let headers: [(name: String, value: String)] = [
            ("Content-Type", contentType), ("X-GitHub-Event", event),
            ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"), ("X-GitHub-Hook-ID", "498112233"),
        ]
        return try WebhookParser.parse(WebhookRequest(headers: headers, body: body), forge: .github)
    }

    @Test func branchPush() throws {
        let parsed = try Self.parse("push-branch")
        #expect(parsed.deliveryID == "72d3162e-cc78-11e3-81ab-4c9367dc0958")
        #expect(parsed.eventName == "push")
        let expected = PushEvent(
            forge: .github, repository: Self.repository, refKind: .branch, refName: "main",
            sha: "63638a1c954852f6e81b21b97b261304a9885c17", before: "7cea710f62cb9d71c3f545e815375058d590b7f1",
            created: false, deleted: false, forced: false,
            changedPaths: ["api/orders/handler.swift", "README.md", "api/Package.swift", "docs/old-setup.md"],
            pathsTruncated: false, pusher: "mona", cloneURL: Self.cloneURL, projectID: "563214789")
        #expect(parsed.content == .push([expected]))
    }

    @Test func branchCreationWithoutCommitsHasUnknownPaths() throws {
        let expected = PushEvent(
            forge: .github, repository: Self.repository, refKind: .branch, refName: "feature/checkout-v2",
            sha: "1954b0bd2578957c118f5a1a3273fd7372a45514", before: zeroSHA, created: true, deleted: false, forced: false,
            changedPaths: [], pathsTruncated: true, pusher: "mona", cloneURL: Self.cloneURL, projectID: "563214789")
        #expect(try Self.parse("push-branch-created").content == .push([expected]))
    }

    @Test func branchDeletion() throws {
        let expected = PushEvent(
            forge: .github, repository: Self.repository, refKind: .branch, refName: "feature/old-cart", sha: "",
            before: "ef3c9511a113f7a0801395c28a9f78f5ed21a211", created: false, deleted: true, forced: false,
            changedPaths: [], pathsTruncated: false, pusher: "mona", cloneURL: Self.cloneURL, projectID: "563214789")
        #expect(try Self.parse("push-branch-deleted").content == .push([expected]))
    }

    @Test func annotatedTagDeploysTheCommitNotTheTagObject() throws {
        let event = try #require(try Self.parse("push-tag-annotated").content.events.first)
        #expect(event.sha == "b5d45d8481216e6387e4087f420a5991bf2624a8")
        #expect(event.sha != "be4c2df8b10cce432095ffe7e6bce84d4950771e")  // `after`, the tag object
        let expected = PushEvent(
            forge: .github, repository: Self.repository, refKind: .tag, refName: "v1.4.0",
            sha: "b5d45d8481216e6387e4087f420a5991bf2624a8", before: zeroSHA, created: true, deleted: false, forced: false,
            changedPaths: [], pathsTruncated: true, pusher: "mona", cloneURL: Self.cloneURL, projectID: "563214789")
        #expect(event == expected)
    }

    @Test func pingIsAPing() throws {
        let parsed = try Self.parse("ping", event: "ping")
        #expect(parsed.content == .ping)
        #expect(parsed.eventName == "ping")
    }

    @Test(arguments: ["create", "delete", "issues", "release"])
    func otherEventsAreIgnored(event: String) throws {
        let parsed = try Self.parse("push-branch", event: event)
        #expect(parsed.content == .ignored(reason: "event '\(event)' is not a push"))
    }

    @Test func formEncodedPushParsesLikeJSON() throws {
        let json = try Fixture.bytes("github", "push-branch")
        let form = try Self.parse(formEncodedPayload(json), contentType: "application/x-www-form-urlencoded; charset=utf-8")
        #expect(form.content == (try Self.parse(json)).content)
        #expect(!form.content.events.isEmpty)
    }

    @Test func createdAtMayBeAStringAndIDsMayBeStrings() throws {
        let body = #"""
            {"ref": "refs/heads/main", "before": "1111111111111111111111111111111111111111",
             "after": "2222222222222222222222222222222222222222", "created": false, "deleted": false, "forced": true,
             "commits": [{"id": "2222222222222222222222222222222222222222", "added": ["a"], "removed": [], "modified": ["b"]}],
             "head_commit": {"id": "2222222222222222222222222222222222222222"},
             "repository": {"id": "R_1", "full_name": "acme/shop", "created_at": "2022-11-03T13:02:01Z",
                            "html_url": "https://github.com/acme/shop", "unknown": {"nested": [1, 2]}},
             "sender": {"login": "bot"}}
            """#
        let event = try #require(try Self.parse(Array(body.utf8)).content.events.first)
        #expect(event.projectID == "R_1")
        #expect(event.forced)
        #expect(event.pusher == "bot")  // no pusher: sender.login
        #expect(event.cloneURL == "https://github.com/acme/shop.git")  // no clone_url: html_url + .git
        #expect(event.changedPaths == ["a", "b"])
    }

    /// Each path once, in the order the commits list them (added, modified, removed), not sorted.
    @Test func changedPathsAreUniqueInTheOrderTheCommitsListThem() throws {
        let body = #"""
            {"ref": "refs/heads/main", "after": "2222222222222222222222222222222222222222",
             "commits": [{"id": "1", "added": ["z.go"], "modified": ["b.go", "a.go"], "removed": []},
                         {"id": "2", "added": [], "modified": ["a.go", "c.go"], "removed": ["z.go"]}],
             "repository": {"id": 1, "full_name": "acme/shop"}, "pusher": {"name": "mona"}}
            """#
        let event = try #require(try Self.parse(Array(body.utf8)).content.events.first)
        #expect(event.changedPaths == ["z.go", "b.go", "a.go", "c.go"])
    }

    @Test func forcePushToAnOlderCommitHasUnknownPaths() throws {
        let body = #"""
            {"ref": "refs/heads/main", "before": "1111111111111111111111111111111111111111",
             "after": "3333333333333333333333333333333333333333", "created": false, "deleted": false, "forced": true,
             "commits": [], "head_commit": {"id": "3333333333333333333333333333333333333333"},
             "repository": {"id": 1, "full_name": "acme/shop"}, "pusher": {"name": "mona"}}
            """#
        let event = try #require(try Self.parse(Array(body.utf8)).content.events.first)
        #expect(event.pathsTruncated)
        #expect(event.changedPaths.isEmpty)
    }

    @Test func nonBranchRefIsIgnored() throws {
        let body = #"{"ref": "refs/notes/commits", "after": "3333333333333333333333333333333333333333", "repository": {"full_name": "acme/shop"}}"#
        #expect(try Self.parse(Array(body.utf8)).content == .ignored(reason: "ref 'refs/notes/commits' is neither a branch nor a tag"))
    }

    @Test func malformedPayloadsAreErrors() throws {
        #expect(throws: PayloadError.malformedJSON) { try Self.parse(Array("{not json".utf8)) }
        #expect(throws: PayloadError.missingField("repository.full_name")) {
            try Self.parse(Array(#"{"ref": "refs/heads/main", "after": "1", "repository": {"id": 1}}"#.utf8))
        }
        #expect(throws: PayloadError.missingField("ref")) {
            try Self.parse(Array(#"{"repository": {"full_name": "a/b"}}"#.utf8))
        }
        #expect(throws: PayloadError.invalidField("commits[0].added")) {
            let body = #"{"ref": "refs/heads/main", "after": "1", "repository": {"full_name": "a/b"}, "commits": [{"added": "x"}]}"#
            _ = try Self.parse(Array(body.utf8))
        }
        #expect(throws: PayloadError.missingField("after")) {
            try Self.parse(Array(#"{"ref": "refs/heads/main", "repository": {"full_name": "a/b"}}"#.utf8))
        }
        #expect(throws: PayloadError.malformedForm(reason: "there is no payload field")) {
            try Self.parse(Array("other=1".utf8), contentType: "application/x-www-form-urlencoded")
        }
    }

    @Test func missingEventHeaderIsAnError() throws {
        let request = WebhookRequest(headers: [("X-GitHub-Delivery", "d")], body: try Fixture.bytes("github", "push-branch"))
        #expect(throws: PayloadError.missingHeader("X-GitHub-Event")) {
            try WebhookParser.parse(request, forge: .github)
        }
    }

    @Test func payloadErrorsNeverQuoteTheBody() throws {
        let body = Array(#"{"ref": "refs/heads/main", "repository": {"full_name": 42, "secret": "BODY-MARKER"}}"#.utf8)
        do {
            _ = try Self.parse(body)
            Issue.record("an integer full_name was accepted")
        } catch {
            #expect(error as? PayloadError == .invalidField("repository.full_name"))
            #expect(!String(describing: error).contains("BODY-MARKER"))
            #expect(!String(describing: error).contains("42"))
        }
    }
}
