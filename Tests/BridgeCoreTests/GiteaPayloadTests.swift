import BridgeCore
import Foundation
import Testing

/// Gitea and Forgejo share a payload format; Forgejo adds `X-Forgejo-*` headers.
@Suite struct GiteaPayloadTests {
    static let giteaRepository = "acme/infra"
    static let giteaCloneURL = "https://git.acme.example/acme/infra.git"

    static func giteaHeaders(event: String = "push", contentType: String = "application/json") -> [(name: String, value: String)] {
        [
            ("Content-Type", contentType), ("X-Gitea-Delivery", "b9e6f1a4-3c1d-4f9e-8a2b-7d6c5e4f3a21"), ("X-Gitea-Event", event),
            ("X-Gitea-Event-Type", event), ("X-GitHub-Event", event), ("X-Gogs-Event", event),
        ]
    }

    static func parse(_ body: [UInt8], forge: Forge = .gitea, headers: [(name: String, value: String)] = giteaHeaders()) throws -> ParsedWebhook {
        try WebhookParser.parse(WebhookRequest(headers: headers, body: body), forge: forge)
    }

    static let pushEvent = PushEvent(
        forge: .gitea, repository: giteaRepository, refKind: .branch, refName: "main",
        sha: "c24ca5f3e3a73a76c9aef7f558f8b8aa65af672e", before: "22d1847c89a1b613333612adb5ef09580cbc38d1",
        created: false, deleted: false, forced: false, changedPaths: ["terraform/staging/vpc.tf", "terraform/staging/asg.tf"],
        pathsTruncated: false, pusher: "kim", cloneURL: giteaCloneURL, projectID: "27")

    @Test func giteaPush() throws {
        let parsed = try Self.parse(try Fixture.bytes("gitea", "push"))
        #expect(parsed.content == .push([Self.pushEvent]))
        #expect(parsed.deliveryID == "b9e6f1a4-3c1d-4f9e-8a2b-7d6c5e4f3a21")
        #expect(parsed.eventName == "push")
    }

    @Test func giteaFormEncodedPush() throws {
        let form = formEncodedPayload(try Fixture.bytes("gitea", "push"))
        let parsed = try Self.parse(form, headers: Self.giteaHeaders(contentType: "application/x-www-form-urlencoded"))
        #expect(parsed.content == .push([Self.pushEvent]))
    }

    @Test func giteaFormEncodedPushVerifiesAndParses() throws {
        // End to end: signature over the JSON, body sent as a form.
        let json = try Fixture.bytes("gitea", "push")
        let headers =
            Self.giteaHeaders(contentType: "application/x-www-form-urlencoded") + [("X-Gitea-Signature", hmacHex(.sha256, key: "gitea-secret", json))]
        let request = WebhookRequest(headers: headers, body: formEncodedPayload(json))
        let credentials = try SourceCredentials(secrets: [testSecret("gitea-secret")])
        try WebhookVerifier.verify(request, forge: .gitea, credentials: credentials, now: Date())
        #expect(try WebhookParser.parse(request, forge: .gitea).content == .push([Self.pushEvent]))
    }

    @Test func giteaTruncatedCommitList() throws {
        let expected = PushEvent(
            forge: .gitea, repository: Self.giteaRepository, refKind: .branch, refName: "release/2025.03",
            sha: "b3652f8805b8b0602ec0683838e48309f5543317", before: "51fe46b37a047b1f242da87d0c73227d3cee47bf",
            created: false, deleted: false, forced: false,
            changedPaths: ["modules/m3/main.tf", "modules/shared/vars.tf", "modules/m5/main.tf", "modules/m7/main.tf"],
            pathsTruncated: true, pusher: "kim", cloneURL: Self.giteaCloneURL, projectID: "27")
        #expect(try Self.parse(try Fixture.bytes("gitea", "push-truncated")).content == .push([expected]))
    }

    @Test(arguments: ["create", "delete", "pull_request", "release"])
    func giteaOtherEventsAreIgnored(event: String) throws {
        let parsed = try Self.parse(try Fixture.bytes("gitea", "push"), headers: Self.giteaHeaders(event: event))
        #expect(parsed.content == .ignored(reason: "event '\(event)' is not a push"))
    }

    @Test func zeroSHAsSayCreatedAndDeleted() throws {
        let created = Array(
            #"""
            {"ref": "refs/heads/feature/x", "before": "0000000000000000000000000000000000000000",
             "after": "6666666666666666666666666666666666666666", "commits": [], "total_commits": 0,
             "head_commit": null, "repository": {"id": 27, "full_name": "acme/infra"}, "pusher": {"username": "kim"}}
            """#.utf8)
        let createdEvent = try #require(try Self.parse(created).content.events.first)
        #expect(createdEvent.created && !createdEvent.deleted)
        #expect(createdEvent.sha == "6666666666666666666666666666666666666666")  // no head_commit: after
        #expect(createdEvent.pathsTruncated)
        #expect(createdEvent.pusher == "kim")
        #expect(createdEvent.cloneURL == "")

        let deleted = Array(
            #"""
            {"ref": "refs/tags/v0.9", "before": "6666666666666666666666666666666666666666",
             "after": "0000000000000000000000000000000000000000", "commits": [], "head_commit": null,
             "repository": {"id": 27, "full_name": "acme/infra", "html_url": "https://git.acme.example/acme/infra"}}
            """#.utf8)
        let deletedEvent = try #require(try Self.parse(deleted).content.events.first)
        #expect(deletedEvent.deleted && !deletedEvent.created)
        #expect(deletedEvent.sha == "")
        #expect(deletedEvent.refKind == .tag)
        #expect(!deletedEvent.pathsTruncated)
        #expect(deletedEvent.cloneURL == "https://git.acme.example/acme/infra.git")
    }

    static func forgejoHeaders(event: String = "push") -> [(name: String, value: String)] {
        [
            ("Content-Type", "application/json"), ("X-Forgejo-Delivery", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
            ("X-Forgejo-Event", event), ("X-Forgejo-Event-Type", event), ("X-Gitea-Delivery", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
            ("X-Gitea-Event", event), ("X-Gitea-Event-Type", event),
        ]
    }

    @Test func forgejoPush() throws {
        let parsed = try Self.parse(try Fixture.bytes("forgejo", "push"), forge: .forgejo, headers: Self.forgejoHeaders())
        let expected = PushEvent(
            forge: .forgejo, repository: "acme/website", refKind: .branch, refName: "main",
            sha: "cf96fd0ed49fd8f12909240b996d9aad79834745", before: "295b196c2fd53d971d90ee6fc4fdab9c4bbcca8a",
            created: false, deleted: false, forced: false, changedPaths: ["content/pricing.md", "config.toml", "content/old-pricing.md"],
            pathsTruncated: false, pusher: "rowan", cloneURL: "https://codeberg.org/acme/website.git", projectID: "1094")
        #expect(parsed.content == .push([expected]))
        #expect(parsed.deliveryID == "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
        #expect(parsed.eventName == "push")
    }

    @Test func forgejoAnnotatedTagDeploysHeadCommit() throws {
        let parsed = try Self.parse(try Fixture.bytes("forgejo", "tag-push"), forge: .forgejo, headers: Self.forgejoHeaders())
        let expected = PushEvent(
            forge: .forgejo, repository: "acme/website", refKind: .tag, refName: "v3.1.0",
            sha: "973ae632507764daf7deabf7dfba508f9bc6d848", before: zeroSHA, created: true, deleted: false, forced: false,
            changedPaths: [], pathsTruncated: true, pusher: "rowan", cloneURL: "https://codeberg.org/acme/website.git", projectID: "1094")
        #expect(parsed.content == .push([expected]))
    }

    @Test func forgejoFallsBackToGiteaHeaders() throws {
        let headers: [(name: String, value: String)] = [("X-Gitea-Event", "push"), ("X-Gitea-Delivery", "gitea-id")]
        let parsed = try Self.parse(try Fixture.bytes("forgejo", "push"), forge: .forgejo, headers: headers)
        #expect(parsed.deliveryID == "gitea-id")
        #expect(parsed.content.events.first?.forge == .forgejo)
        let own: [(name: String, value: String)] = [("X-Forgejo-Event", "delete"), ("X-Gitea-Event", "push")]
        #expect(
            try Self.parse(try Fixture.bytes("forgejo", "push"), forge: .forgejo, headers: own).content
                == .ignored(reason: "event 'delete' is not a push"))
    }

    @Test func giteaDoesNotReadForgejoHeaders() throws {
        let headers: [(name: String, value: String)] = [("X-Forgejo-Event", "push"), ("X-Forgejo-Delivery", "f")]
        #expect(throws: PayloadError.missingHeader("X-Gitea-Event")) {
            try Self.parse(try Fixture.bytes("forgejo", "push"), headers: headers)
        }
    }
}
