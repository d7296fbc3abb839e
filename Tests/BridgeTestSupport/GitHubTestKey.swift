import COpenSSL
import Foundation

/// A throwaway RSA key pair for a test GitHub App, made with the host's OpenSSL API (no `openssl` command needed).
///
/// GitHub hands an app's private key out as PKCS#1 (`BEGIN RSA PRIVATE KEY`); `pkcs8PEM` is the same key as
/// PKCS#8 (`BEGIN PRIVATE KEY`), as `openssl pkcs8 -topk8` converts it. The GitHub fake verifies JWTs with
/// `publicKeyPEM`.
public struct GitHubTestKey: Sendable, CustomStringConvertible {
    public let privateKeyPEM: String
    public let pkcs8PEM: String
    public let publicKeyPEM: String

    /// One key for the whole test process: a 2048-bit key takes OpenSSL a noticeable moment to make.
    public static let shared: GitHubTestKey = {
        guard let key = generate() else { preconditionFailure("OpenSSL could not make an RSA test key") }
        return key
    }()

    /// A second, unrelated key: a JWT signed with it must be refused.
    public static let other: GitHubTestKey = {
        guard let key = generate() else { preconditionFailure("OpenSSL could not make an RSA test key") }
        return key
    }()

    /// A new key pair of `bits` bits; nil when OpenSSL fails.
    public static func generate(bits: Int32 = 2048) -> GitHubTestKey? {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        var made: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(context, bits) == 1,
            EVP_PKEY_keygen(context, &made) == 1, let key = made
        else { return nil }
        defer { EVP_PKEY_free(key) }
        guard let pkcs1 = pem({ PEM_write_bio_PrivateKey_traditional($0, key, nil, nil, 0, nil, nil) }),
            let pkcs8 = pem({ PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }),
            let publicKey = pem({ PEM_write_bio_PUBKEY($0, key) })
        else { return nil }
        return GitHubTestKey(privateKeyPEM: pkcs1, pkcs8PEM: pkcs8, publicKeyPEM: publicKey)
    }

    /// Writes the private key (`pkcs8`: in PKCS#8) to a new file in `directory`, mode 0600, and returns its path: the
    /// bridge reads an app's key by reference (`file:<path>`).
    public func writePrivateKey(in directory: String, pkcs8: Bool = false) throws -> String {
        let path = "\(directory)/github-app-\(UUID().uuidString).pem"
        try Data((pkcs8 ? pkcs8PEM : privateKeyPEM).utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return path
    }

    /// A JWT with `claims` (and `header`), signed RS256 with this key by OpenSSL directly: for tests of what the
    /// fake accepts, independent of the bridge's own signer.
    public func jwt(claims: String, header: String = #"{"alg":"RS256","typ":"JWT"}"#) -> String? {
        let input = Self.base64URL(Array(header.utf8)) + "." + Self.base64URL(Array(claims.utf8))
        return sign(Array(input.utf8)).map { input + "." + Self.base64URL($0) }
    }

    /// The RS256 signature of `message`.
    public func sign(_ message: [UInt8]) -> [UInt8]? {
        defer { ERR_clear_error() }
        guard let key = Self.loadKey(privateKeyPEM, publicKey: false), let context = EVP_MD_CTX_new() else { return nil }
        defer {
            EVP_MD_CTX_free(context)
            EVP_PKEY_free(key)
        }
        var length = 512
        var signature = [UInt8](repeating: 0, count: length)
        let signed = signature.withUnsafeMutableBufferPointer { output in
            message.withUnsafeBufferPointer { input in
                EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1
                    && EVP_DigestSign(context, output.baseAddress, &length, input.baseAddress, input.count) == 1
            }
        }
        return signed ? Array(signature.prefix(length)) : nil
    }

    /// The key in `pem`, private or (`publicKey`) public, for the caller to free with `EVP_PKEY_free`; nil when
    /// OpenSSL cannot read it.
    static func loadKey(_ pem: String, publicKey: Bool) -> OpaquePointer? {
        let bytes = Array(pem.utf8)
        return bytes.withUnsafeBytes { buffer -> OpaquePointer? in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return publicKey ? PEM_read_bio_PUBKEY(bio, nil, nil, nil) : PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
    }

    /// Never the key.
    public var description: String { "<GitHub test key>" }

    /// What `write` puts into a memory BIO, as text.
    private static func pem(_ write: (OpaquePointer) -> Int32) -> String? {
        guard let method = BIO_s_mem(), let bio = BIO_new(method) else { return nil }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { return nil }
        let length = BIO_ctrl_pending(bio)
        var bytes = [UInt8](repeating: 0, count: length)
        let read = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(length)) }
        guard read == Int32(length) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
