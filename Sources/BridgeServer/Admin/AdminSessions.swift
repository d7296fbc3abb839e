import BridgeCore
import Foundation

/// Who a dashboard request comes from.
struct AdminCaller: Sendable, Hashable {
    /// The admin token's name, or the user the trusted header named.
    let name: String
    let role: AdminRole
    /// What the caller's CSRF token is derived from: the session cookie's value, or the trusted user's name.
    let binding: String
    /// Whether a trusted proxy's header signed the caller in (so there is no session to end on `/logout`).
    let viaTrustedHeader: Bool
}

/// The dashboard's session cookies and CSRF tokens.
///
/// A session is not stored: its cookie is `hex(name).role.expiry.nonce.hmac`, signed with a key derived from the admin
/// tokens (`AdminAccess.sessionKey`), so every replica given the same tokens accepts it, across restarts, and changing a
/// token ends every session (with no token, trusted-header users only, the key is drawn when the process starts).
/// Signing out ends the session in this process for good (`RevokedSessions`), not only in the browser that signed out;
/// another replica still accepts a copy of the cookie until it expires. A form's CSRF token is an HMAC of the session
/// cookie (or of the trusted user's name) under the same key.
struct AdminSessions: Sendable {
    static let cookieName = "gitops_bridge_session"
    /// How long a session lasts after signing in.
    static let lifetime: TimeInterval = 12 * 60 * 60

    private let key: [UInt8]
    private let revoked = RevokedSessions()

    init(key: [UInt8] = Digest.randomBytes(32)) {
        self.key = key
    }

    /// A new session cookie's value for a signed-in token.
    func issue(name: String, role: AdminRole, now: Date) -> String {
        let expiry = Int(now.timeIntervalSince1970 + Self.lifetime)
        let payload = "\(Hex.encode(Array(name.utf8))).\(role.rawValue).\(expiry).\(Hex.encode(Digest.randomBytes(16)))"
        return payload + "." + sign(payload)
    }

    /// The caller a session cookie's value stands for; nil for a forged, malformed or expired one.
    func caller(cookie value: String, now: Date) -> AdminCaller? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 5 else { return nil }
        let payload = parts[0..<4].joined(separator: ".")
        guard Digest.constantTimeEqual(Array(sign(payload).utf8), Array(parts[4].utf8)) else { return nil }
        guard let nameBytes = Hex.decode(parts[0]), let role = AdminRole(rawValue: String(parts[1])),
            let expiry = TimeInterval(String(parts[2])), expiry > now.timeIntervalSince1970, !revoked.contains(String(parts[4]))
        else { return nil }
        return AdminCaller(name: String(decoding: nameBytes, as: UTF8.self), role: role, binding: value, viaTrustedHeader: false)
    }

    /// Ends the session of a cookie that `caller(cookie:now:)` accepted: it signs no one in any more.
    func end(cookie value: String, now: Date) {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 5, let expiry = TimeInterval(String(parts[2])) else { return }
        revoked.revoke(String(parts[4]), expiry: expiry, now: now)
    }

    /// The CSRF token the caller's forms carry.
    func csrfToken(for caller: AdminCaller) -> String {
        sign("csrf|\(caller.viaTrustedHeader ? "header" : "cookie")|\(caller.binding)")
    }

    /// Whether a form's `_csrf` field is the caller's token, compared in constant time.
    func checkCSRF(_ presented: String?, for caller: AdminCaller) -> Bool {
        guard let presented else { return false }
        return Digest.constantTimeEqual(Array(csrfToken(for: caller).utf8), Array(presented.utf8))
    }

    private func sign(_ text: String) -> String {
        Hex.encode(Digest.hmac(.sha256, key: key, message: Array(text.utf8)))
    }
}
