import COpenSSL

/// RSASSA-PKCS1-v1_5 with SHA-256 (JWS `RS256`, RFC 7518 §3.3), signed by the host's OpenSSL libcrypto.
///
/// Keys are held as their PEM text and read again for each signature: signing is rare (a GitHub App token lasts an
/// hour), and no OpenSSL object has to outlive a call or cross threads. Nothing here ever puts key material, or
/// OpenSSL's error queue (which can name the failing bytes' offsets), into a message.
enum RSASignature {
    /// Why a PEM could not be used as an RSA private key.
    enum KeyProblem: Sendable, Hashable {
        /// Not PEM, not a private key, or encrypted with a passphrase.
        case unreadable
        /// A private key of another algorithm (EC, Ed25519), by OpenSSL's short name.
        case notRSA(String)
    }

    /// Checks that `pem` holds an unencrypted RSA private key, PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8
    /// (`BEGIN PRIVATE KEY`); nil when it does.
    static func problem(privateKeyPEM pem: [UInt8]) -> KeyProblem? {
        withPrivateKey(pem) { key in
            guard let key else { return .unreadable }
            let type = EVP_PKEY_get_base_id(key)
            guard type == EVP_PKEY_RSA else {
                let name: UnsafePointer<CChar>? = OBJ_nid2sn(type)
                return .notRSA(name.map { String(cString: $0) } ?? "unknown")
            }
            return nil
        }
    }

    /// The RS256 signature of `message` under the private key in `pem`; nil when the key cannot be read or OpenSSL
    /// fails (allocation).
    static func sign(_ message: [UInt8], privateKeyPEM pem: [UInt8]) -> [UInt8]? {
        withPrivateKey(pem) { key -> [UInt8]? in
            guard let key, EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA, let context = EVP_MD_CTX_new() else { return nil }
            defer { EVP_MD_CTX_free(context) }
            guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else { return nil }
            var length = 0
            let sized = message.withUnsafeBufferPointer { EVP_DigestSign(context, nil, &length, $0.baseAddress, $0.count) }
            guard sized == 1, length > 0 else { return nil }
            var signature = [UInt8](repeating: 0, count: length)
            let signed = signature.withUnsafeMutableBufferPointer { output in
                message.withUnsafeBufferPointer { EVP_DigestSign(context, output.baseAddress, &length, $0.baseAddress, $0.count) }
            }
            guard signed == 1 else { return nil }
            return Array(signature.prefix(length))
        }
    }

    /// Runs `body` with the key read from `pem` (nil when it cannot be read), then frees it and clears OpenSSL's error
    /// queue, so a failure here never surfaces in an unrelated OpenSSL call's error later.
    private static func withPrivateKey<R>(_ pem: [UInt8], _ body: (OpaquePointer?) -> R) -> R {
        defer { ERR_clear_error() }
        guard !pem.isEmpty, pem.count <= Int(Int32.max) else { return body(nil) }
        let key = pem.withUnsafeBytes { bytes -> OpaquePointer? in
            guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else { return nil }
            defer { BIO_free(bio) }
            // A passphrase callback that refuses: without one, OpenSSL would prompt on the terminal for an encrypted key.
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil)
        }
        defer { EVP_PKEY_free(key) }
        return body(key)
    }
}
