import BridgeCore
import Foundation
import Testing

/// A stored delivery's headers never hold a signature, token or credential.
@Suite struct DeliveryHeaderTests {
    /// Every value the signer adds only when the source has secrets (signatures, tokens), minus the timestamp: what must
    /// never be stored.
    static func secretMaterial(forge: Forge, body: [UInt8]) throws -> (signed: [(name: String, value: String)], secrets: Set<String>) {
        let credentials = try WebhookSignerTests.credentials(for: forge)
        let signed = WebhookSigner.headers(
            forge: forge, body: body, kind: .branch, credentials: credentials, deliveryID: WebhookSignerTests.deliveryID,
            now: WebhookSignerTests.now)
        let unsigned = WebhookSigner.headers(
            forge: forge, body: body, kind: .branch, credentials: try SourceCredentials(secrets: []),
            deliveryID: WebhookSignerTests.deliveryID, now: WebhookSignerTests.now)
        let plain = Set(unsigned.map(\.value))
        let secrets = Set(signed.map(\.value).filter { !plain.contains($0) && !$0.allSatisfy(\.isNumber) })
        return (signed, secrets)
    }

    @Test(arguments: Forge.allCases) func noSignatureOrTokenOfASignedRequestIsStored(forge: Forge) throws {
        let (directory, name) = WebhookSignerTests.fixture(for: forge, kind: .branch)
        let body = try Fixture.bytes(directory, name)
        let (signed, secrets) = try Self.secretMaterial(forge: forge, body: body)
        #expect(!secrets.isEmpty)
        let stored = DeliveryHeader.masked(signed)
        for header in stored {
            #expect(!secrets.contains(header.value), "\(header.name) kept its value")
            for secret in secrets { #expect(!header.value.contains(secret)) }
            for text in ["hook-secret", "next-secret", "gl-token", "whsec_"] { #expect(!header.value.contains(text)) }
        }
        // What is not secret stays readable: the delivery id and the event.
        #expect(stored.contains { $0.value == WebhookSignerTests.deliveryID })
        #expect(stored.count == signed.count)
    }

    @Test(arguments: [
        "X-Hub-Signature", "X-Hub-Signature-256", "X-Gitlab-Token", "X-Gitea-Signature", "X-Forgejo-Signature", "X-Gogs-Signature",
        "webhook-signature", "Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "X-Webhook-Secret", "X-Auth-Token",
    ])
    func secretHeadersAreMaskedByName(name: String) {
        let stored = DeliveryHeader.masked([(name: name, value: "sensitive-value")])
        #expect(stored == [DeliveryHeader(name: name.lowercased(), value: "(masked)")])
    }

    @Test(arguments: ["X-GitHub-Event", "X-GitHub-Delivery", "webhook-id", "webhook-timestamp", "Content-Type", "User-Agent", "X-Request-UUID"])
    func ordinaryHeadersAreKept(name: String) {
        #expect(DeliveryHeader.masked([(name: name, value: "push")]) == [DeliveryHeader(name: name.lowercased(), value: "push")])
    }
}
