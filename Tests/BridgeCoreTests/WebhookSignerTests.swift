import BridgeCore
import Foundation
import Testing

@Suite struct WebhookSignerTests {
    static let now = Date(timeIntervalSince1970: 1_741_234_567)
    static let deliveryID = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"

    static func credentials(for forge: Forge) throws -> SourceCredentials {
        switch forge {
        case .gitlab:
            try SourceCredentials(
                tokens: [testSecret("gl-token")], signingSecrets: [testSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")])
        default:
            try SourceCredentials(secrets: [testSecret("hook-secret"), testSecret("next-secret")])
        }
    }

    static func fixture(for forge: Forge, kind: RefKind) -> (String, String) {
        switch (forge, kind) {
        case (.github, .branch): ("github", "push-branch")
        case (.github, .tag): ("github", "push-tag-annotated")
        case (.gitlab, .branch): ("gitlab", "push-truncated")
        case (.gitlab, .tag): ("gitlab", "tag-push-annotated")
        case (.gitea, _): ("gitea", "push")
        case (.forgejo, .branch): ("forgejo", "push")
        case (.forgejo, .tag): ("forgejo", "tag-push")
        case (.bitbucket, .branch): ("bitbucket", "push-branch")
        case (.bitbucket, .tag): ("bitbucket", "push-tag-annotated")
        }
    }

    static let cases: [(Forge, RefKind)] = Forge.allCases.flatMap { forge in [(forge, RefKind.branch), (forge, .tag)] }

    @Test(arguments: cases) func roundTrip(forge: Forge, kind: RefKind) throws {
        let (directory, name) = Self.fixture(for: forge, kind: kind)
        let body = try Fixture.bytes(directory, name)
        let credentials = try Self.credentials(for: forge)
        let headers = WebhookSigner.headers(
            forge: forge, body: body, kind: kind, credentials: credentials, deliveryID: Self.deliveryID, now: Self.now)
        let request = WebhookRequest(headers: headers, body: body)
        try WebhookVerifier.verify(request, forge: forge, credentials: credentials, now: Self.now.addingTimeInterval(2))
        #expect(WebhookParser.deliveryID(request, forge: forge) == Self.deliveryID)
        let parsed = try WebhookParser.parse(request, forge: forge)
        #expect(parsed.deliveryID == Self.deliveryID)
        #expect(!parsed.content.events.isEmpty)
        #expect(request.mediaType == "application/json")
        // The signature really covers the body.
        let tampered = WebhookRequest(headers: headers, body: flippingOneByte(body, at: 10))
        #expect(throws: SignatureError.self) {
            try WebhookVerifier.verify(tampered, forge: forge, credentials: credentials, now: Self.now)
        }
    }

    @Test(arguments: [(RefKind.branch, "Push Hook"), (.tag, "Tag Push Hook")])
    func gitlabEventHeaderFollowsKind(kind: RefKind, event: String) throws {
        let headers = WebhookSigner.headers(
            forge: .gitlab, body: [], kind: kind, credentials: try Self.credentials(for: .gitlab), deliveryID: "d", now: Self.now)
        let request = WebhookRequest(headers: headers, body: [])
        #expect(WebhookParser.eventName(request, forge: .gitlab) == event)
    }

    @Test func gitlabSendsTokenAndStandardWebhooksHeaders() throws {
        let headers = WebhookSigner.headers(
            forge: .gitlab, body: Array("{}".utf8), kind: .branch, credentials: try Self.credentials(for: .gitlab),
            deliveryID: Self.deliveryID, now: Self.now)
        let request = WebhookRequest(headers: headers, body: Array("{}".utf8))
        #expect(request.header("X-Gitlab-Token") == "gl-token")
        #expect(request.header("webhook-id") == Self.deliveryID)
        #expect(request.header("Idempotency-Key") == Self.deliveryID)
        #expect(request.header("webhook-timestamp") == "1741234567")
        #expect(request.header("webhook-signature")?.hasPrefix("v1,") == true)
        // Outside the tolerance window the same headers are refused.
        #expect(throws: SignatureError.timestampOutsideTolerance(skewSeconds: -301)) {
            try WebhookVerifier.verify(
                request, forge: .gitlab, credentials: try Self.credentials(for: .gitlab), now: Self.now.addingTimeInterval(301))
        }
    }

    @Test func githubSignatureMatchesPublishedVector() throws {
        let credentials = try SourceCredentials(secrets: [testSecret("It's a Secret to Everybody")])
        let headers = WebhookSigner.headers(
            forge: .github, body: Array("Hello, World!".utf8), kind: .branch, credentials: credentials, deliveryID: "d", now: Self.now)
        let request = WebhookRequest(headers: headers, body: [])
        #expect(request.header("X-Hub-Signature-256") == "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
        #expect(request.header("X-Hub-Signature")?.hasPrefix("sha1=") == true)
        #expect(request.header("X-GitHub-Event") == "push")
    }

    @Test func forgejoSendsItsOwnAndGiteaHeaders() throws {
        let body = Array("{}".utf8)
        let headers = WebhookSigner.headers(
            forge: .forgejo, body: body, kind: .branch, credentials: try Self.credentials(for: .forgejo), deliveryID: "fid", now: Self.now)
        let request = WebhookRequest(headers: headers, body: body)
        let hex = hmacHex(.sha256, key: "hook-secret", body)
        for name in ["X-Forgejo-Signature", "X-Gitea-Signature", "X-Gogs-Signature"] {
            #expect(request.header(name) == hex)
        }
        #expect(request.header("X-Hub-Signature-256") == "sha256=" + hex)
        for name in ["X-Forgejo-Delivery", "X-Gitea-Delivery", "X-Gogs-Delivery", "X-GitHub-Delivery"] {
            #expect(request.header(name) == "fid")
        }
        for name in ["X-Forgejo-Event", "X-Gitea-Event", "X-Gogs-Event", "X-GitHub-Event"] {
            #expect(request.header(name) == "push")
        }
        let gitea = WebhookRequest(
            headers: WebhookSigner.headers(
                forge: .gitea, body: body, kind: .tag, credentials: try Self.credentials(for: .gitea), deliveryID: "gid", now: Self.now),
            body: body)
        #expect(gitea.header("X-Forgejo-Signature") == nil)
        #expect(gitea.header("X-Gitea-Signature") == hex)
    }

    @Test func unsignedSourcesGetTheForgesUnsignedHeaders() throws {
        let insecure = try SourceCredentials(insecure: true)
        let gitea = WebhookRequest(
            headers: WebhookSigner.headers(forge: .gitea, body: [], kind: .branch, credentials: insecure, deliveryID: "g", now: Self.now),
            body: [])
        #expect(gitea.header("X-Gitea-Signature") == "")
        #expect(gitea.header("X-Hub-Signature-256") == "sha256=")
        try WebhookVerifier.verify(gitea, forge: .gitea, credentials: insecure, now: Self.now)
        for forge in [Forge.github, .bitbucket, .gitlab] {
            let request = WebhookRequest(
                headers: WebhookSigner.headers(forge: forge, body: [], kind: .branch, credentials: insecure, deliveryID: "x", now: Self.now),
                body: [])
            #expect(request.header("X-Hub-Signature-256") == nil)
            #expect(request.header("X-Hub-Signature") == nil)
            #expect(request.header("X-Gitlab-Token") == nil)
            #expect(request.header("webhook-signature") == nil)
        }
    }

    @Test func bitbucketHeaders() throws {
        let body = Array("{}".utf8)
        let request = WebhookRequest(
            headers: WebhookSigner.headers(
                forge: .bitbucket, body: body, kind: .tag, credentials: try Self.credentials(for: .bitbucket), deliveryID: "bid", now: Self.now),
            body: body)
        #expect(request.header("X-Event-Key") == "repo:push")
        #expect(request.header("X-Request-UUID") == "bid")
        #expect(request.header("X-Hub-Signature") == "sha256=" + hmacHex(.sha256, key: "hook-secret", body))
    }
}
