import BridgeCore
import COpenSSL
import Foundation

/// The app's JWT, checked as GitHub checks it: RS256 under the app's public key, `iss` the app, `iat` and `exp`
/// integers with `exp` in the future but at most ten minutes after `iat` and after now, and `iat` not in the future
/// (beyond a minute of clock drift). The messages are GitHub's as clients have reported them.
extension GitHubFake {
    /// GitHub's answers to a JWT it refuses.
    public static let undecodable = "A JSON web token could not be decoded"
    public static let badIssuedAt = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
    public static let badExpiry =
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
    public static let farExpiry = "'Expiration time' claim ('exp') is too far in the future"

    /// Why GitHub would refuse `jwt`; nil when it verifies.
    func verifyAppJWT(_ jwt: String) -> String? {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let headerBytes = Self.base64URLDecode(parts[0]), let claimBytes = Self.base64URLDecode(parts[1]),
            let signature = Self.base64URLDecode(parts[2]),
            let header = try? JSONDecoder().decode(ConfigValue.self, from: Data(headerBytes)),
            let claims = try? JSONDecoder().decode(ConfigValue.self, from: Data(claimBytes)),
            header["alg"] == .string("RS256")
        else { return Self.undecodable }
        guard let publicKey = appPublicKeyPEM,
            Self.verifyRS256(Array("\(parts[0]).\(parts[1])".utf8), signature: signature, publicKeyPEM: publicKey)
        else { return Self.undecodable }
        guard claims["iss"] == .string(appID) || claims["iss"] == Int(appID).map(ConfigValue.int) else { return "Integration not found" }
        guard case .int(let issuedAt)? = claims["iat"] else { return Self.badIssuedAt }
        guard case .int(let expiresAt)? = claims["exp"] else { return Self.badExpiry }
        let current = Int(now().timeIntervalSince1970.rounded(.down))
        if expiresAt <= current { return Self.badExpiry }
        if expiresAt - issuedAt > 600 || expiresAt > current + 600 { return Self.farExpiry }
        if issuedAt > current + 60 { return Self.badIssuedAt }
        return nil
    }

    /// RS256 verification with the host's OpenSSL (`EVP_DigestVerify` over SHA-256).
    static func verifyRS256(_ message: [UInt8], signature: [UInt8], publicKeyPEM: String) -> Bool {
        defer { ERR_clear_error() }
        guard let key = GitHubTestKey.loadKey(publicKeyPEM, publicKey: true), let context = EVP_MD_CTX_new() else { return false }
        defer {
            EVP_MD_CTX_free(context)
            EVP_PKEY_free(key)
        }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { return false }
        return signature.withUnsafeBufferPointer { signatureBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                EVP_DigestVerify(context, signatureBuffer.baseAddress, signatureBuffer.count, messageBuffer.baseAddress, messageBuffer.count) == 1
            }
        }
    }

    /// Base64url without padding (RFC 7515 §2); nil for anything else, padding included.
    static func base64URLDecode(_ text: String) -> [UInt8]? {
        guard !text.contains("=") else { return nil }
        var standard = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        if standard.count % 4 == 1 { return nil }
        if standard.count % 4 != 0 { standard += String(repeating: "=", count: 4 - standard.count % 4) }
        return Data(base64Encoded: standard).map(Array.init)
    }
}
