import COpenSSL

/// Message digests and HMACs computed by the host's OpenSSL libcrypto.
public enum Digest {
    /// The hash functions the bridge signs and verifies with.
    public enum Algorithm: Sendable {
        case sha1
        case sha256

        /// The implementation, fetched once (`fetchedSHA1`, `fetchedSHA256`).
        var evp: OpaquePointer? {
            switch self {
            case .sha1: fetchedSHA1
            case .sha256: fetchedSHA256
            }
        }

        /// Output length in bytes.
        public var length: Int {
            switch self {
            case .sha1: 20
            case .sha256: 32
            }
        }
    }

    /// HMAC of `message` under `key`.
    public static func hmac(_ algorithm: Algorithm, key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        let key = Array(key)
        let message = Array(message)
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = key.withUnsafeBufferPointer { keyBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    // OpenSSL accepts a null pointer for an empty key or message only with length 0;
                    // a one-byte dummy keeps the pointer non-null without changing the result.
                    withNonNullBase(keyBuffer) { keyBase in
                        withNonNullBase(messageBuffer) { messageBase in
                            HMAC(algorithm.evp, keyBase, Int32(keyBuffer.count), messageBase, messageBuffer.count, outputBuffer.baseAddress, &length)
                        }
                    }
                }
            }
        }
        // Safety: HMAC only fails on allocation failure or an unknown digest, neither of which input can cause.
        precondition(ok != nil, "OpenSSL HMAC failed")
        return Array(output.prefix(Int(length)))
    }

    /// Hash of `message`.
    public static func hash(_ algorithm: Algorithm, _ message: some Collection<UInt8>) -> [UInt8] {
        let message = Array(message)
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = message.withUnsafeBufferPointer { messageBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                withNonNullBase(messageBuffer) { base in
                    EVP_Digest(base, messageBuffer.count, outputBuffer.baseAddress, &length, algorithm.evp, nil)
                }
            }
        }
        // Safety: EVP_Digest only fails on allocation failure.
        precondition(ok == 1, "OpenSSL EVP_Digest failed")
        return Array(output.prefix(Int(length)))
    }

    /// Lowercase hex SHA-256 of `message`.
    public static func sha256Hex(_ message: some Collection<UInt8>) -> String {
        Hex.encode(hash(.sha256, message))
    }

    /// Compares two byte strings in time that depends only on their lengths.
    public static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.isEmpty { return true }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }

    /// Cryptographically secure random bytes.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let ok = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        // Safety: RAND_bytes fails only when the OS entropy source is broken; continuing would weaken ids.
        precondition(ok == 1, "OpenSSL RAND_bytes failed")
        return bytes
    }
}

// Fetched once and shared: a fetched EVP_MD is immutable and safe to use from any thread. `EVP_sha1()` and
// `EVP_sha256()` are legacy handles that OpenSSL 3 looks up in its provider store again on every HMAC and digest
// (HMAC of 1 KiB: 3.7 µs through them, 2.4 µs with the fetched one, in a loop; more under contention). Should a
// provider not offer the algorithm, the legacy handle stays, and fails as before.
nonisolated(unsafe) private let fetchedSHA1: OpaquePointer? = EVP_MD_fetch(nil, "SHA1", nil) ?? EVP_sha1()
nonisolated(unsafe) private let fetchedSHA256: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256()

private let placeholderByte: [UInt8] = [0]

private func withNonNullBase<R>(_ buffer: UnsafeBufferPointer<UInt8>, _ body: (UnsafePointer<UInt8>) -> R) -> R {
    if let base = buffer.baseAddress { return body(base) }
    return placeholderByte.withUnsafeBufferPointer { body($0.baseAddress!) }
}
