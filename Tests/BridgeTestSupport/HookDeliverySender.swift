import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#endif

/// Posts a webhook to a receiver as a forge does, signed with `WebhookSigner` (GitHub HMAC, GitLab `X-Gitlab-Token`),
/// and says what it answered: the fakes' hooks use it to deliver, and to redeliver from their delivery logs.
enum HookDeliverySender {
    /// The receiver's status, nil when it could not be reached (GitHub logs `status_code: 0`, GitLab "internal error").
    /// `eventUUID` replaces GitLab's `X-Gitlab-Event-UUID` (new on each send, a resend's too; `Idempotency-Key` stays).
    static func post(
        url: String, forge: Forge, body: [UInt8], kind: RefKind, secret: String?, deliveryID: String, eventUUID: String? = nil
    ) async -> Int? {
        let secrets = secret.map { [Secret(bytes: Array($0.utf8), reference: .environment("HOOK_SECRET"))] } ?? []
        guard
            let credentials = try? SourceCredentials(
                secrets: forge == .github ? secrets : [], tokens: forge == .gitlab ? secrets : [], insecure: secrets.isEmpty)
        else { return nil }
        // A forge finds a closed port at once; AsyncHTTPClient would retry the connection until the deadline. And a
        // test only ever talks to 127.0.0.1: any other host is a receiver that cannot be reached.
        guard let components = URLComponents(string: url), components.host == "127.0.0.1", let port = components.port,
            acceptsConnections(port: port)
        else { return nil }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for header in WebhookSigner.headers(forge: forge, body: body, kind: kind, credentials: credentials, deliveryID: deliveryID, now: Date()) {
            let replaced = eventUUID != nil && header.name.lowercased() == "x-gitlab-event-uuid"
            request.headers.add(name: header.name, value: replaced ? eventUUID ?? header.value : header.value)
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

    /// Whether something listens on the loopback port (a connect on loopback is answered at once).
    static func acceptsConnections(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
