import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOCore
import NIOHTTP1

/// Posts a webhook to a receiver as a forge does, signed with `WebhookSigner` (GitHub HMAC, GitLab `X-Gitlab-Token`),
/// and says what it answered: the fakes' hooks use it to deliver, and to redeliver from their delivery logs.
enum HookDeliverySender {
    /// The receiver's status, nil when it could not be reached (GitHub logs `status_code: 0`, GitLab "internal error").
    static func post(url: String, forge: Forge, body: [UInt8], kind: RefKind, secret: String?, deliveryID: String) async -> Int? {
        let secrets = secret.map { [Secret(bytes: Array($0.utf8), reference: .environment("HOOK_SECRET"))] } ?? []
        guard let credentials = try? SourceCredentials(secrets: forge == .github ? secrets : [], tokens: forge == .gitlab ? secrets : [], insecure: secrets.isEmpty)
        else { return nil }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for header in WebhookSigner.headers(forge: forge, body: body, kind: kind, credentials: credentials, deliveryID: deliveryID, now: Date()) {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            _ = try? await response.body.collect(upTo: 1 << 20)
            return Int(response.status.code)
        } catch {
            return nil
        }
    }
}
