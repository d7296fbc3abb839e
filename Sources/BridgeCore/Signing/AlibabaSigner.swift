import Foundation

/// An Alibaba Cloud AccessKey pair, with the STS security token of temporary credentials.
public struct AlibabaCredentials: Sendable, Hashable, CustomStringConvertible {
    public var accessKeyID: String
    public var accessKeySecret: String
    public var securityToken: String?

    public init(accessKeyID: String, accessKeySecret: String, securityToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
        self.securityToken = securityToken
    }

    /// Never the secret or the token.
    public var description: String {
        "AlibabaCredentials(\(accessKeyID), secret redacted\(securityToken == nil ? "" : ", token redacted"))"
    }
}

/// Alibaba Cloud's two request signatures for RPC-style APIs (providers.md §5), each checked against vectors made by
/// Alibaba's official SDKs (`Tests/peers/alibaba_signature_vectors.py`).
///
/// - `ACS3-HMAC-SHA256` (V3, the default of Alibaba's current SDKs): a canonical request of method, path, sorted
///   query, signed headers and the body's SHA-256; its hex SHA-256 is signed with HMAC-SHA256 under the AccessKey
///   secret; `Authorization: ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>`.
/// - `HMAC-SHA1` (RPC signature v1): every parameter but `Signature`, sorted and percent-encoded, signed as
///   `POST&%2F&<encoded canonical query>` with HMAC-SHA1 under `<secret>&`, the Base64 result sent as `Signature`.
///
/// Percent-encoding is RFC 3986 throughout: unreserved `A-Z a-z 0-9 - _ . ~` kept, a space is `%20`, `*` is `%2A`.
public enum AlibabaSigner {
    public static let acs3Algorithm = "ACS3-HMAC-SHA256"

    /// RFC 3986 percent-encoding of `text`'s UTF-8 (the same as SigV4's).
    public static func percentEncode(_ text: String) -> String {
        SigV4Signer.uriEncode(text)
    }

    /// `name=value` pairs, percent-encoded and sorted by encoded name (then value), joined with `&`.
    public static func canonicalQuery(_ parameters: [(name: String, value: String)]) -> String {
        let encoded: [(name: String, value: String)] = parameters.map { (percentEncode($0.name), percentEncode($0.value)) }
        let sorted = encoded.sorted { (lhs, rhs) -> Bool in
            lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name
        }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    // MARK: ACS3-HMAC-SHA256

    /// The V3 canonical request over `headers` (every one of them is signed: names are lower-cased and sorted, values
    /// trimmed), and the signed-headers list.
    public static func acs3CanonicalRequest(
        method: String, path: String, query: [(name: String, value: String)], headers: [(name: String, value: String)], body: [UInt8]
    ) -> (request: String, signedHeaders: String) {
        let canonicalHeaders = headers.map { ($0.name.lowercased(), $0.value.trimmingCharacters(in: .whitespaces)) }
            .sorted { $0.0 < $1.0 }
        let signedHeaders = canonicalHeaders.map(\.0).joined(separator: ";")
        let request = [
            method, path, canonicalQuery(query), canonicalHeaders.map { "\($0.0):\($0.1)\n" }.joined(), signedHeaders,
            Digest.sha256Hex(body),
        ].joined(separator: "\n")
        return (request, signedHeaders)
    }

    /// `ACS3-HMAC-SHA256\n` and the canonical request's hex SHA-256.
    public static func acs3StringToSign(canonicalRequest: String) -> String {
        acs3Algorithm + "\n" + Digest.sha256Hex(Array(canonicalRequest.utf8))
    }

    /// The `Authorization` header of a V3 request signing every header of `headers`.
    public static func acs3Authorization(
        method: String, path: String, query: [(name: String, value: String)], headers: [(name: String, value: String)], body: [UInt8],
        credentials: AlibabaCredentials
    ) -> String {
        let canonical = acs3CanonicalRequest(method: method, path: path, query: query, headers: headers, body: body)
        let toSign = acs3StringToSign(canonicalRequest: canonical.request)
        let signature = Hex.encode(Digest.hmac(.sha256, key: Array(credentials.accessKeySecret.utf8), message: Array(toSign.utf8)))
        return "\(acs3Algorithm) Credential=\(credentials.accessKeyID),SignedHeaders=\(canonical.signedHeaders),Signature=\(signature)"
    }

    // MARK: RPC signature v1 (HMAC-SHA1)

    /// `<METHOD>&%2F&` and the percent-encoded canonical query of `parameters` (which must not hold `Signature`).
    public static func rpcStringToSign(method: String, parameters: [(name: String, value: String)]) -> String {
        "\(method)&%2F&" + percentEncode(canonicalQuery(parameters))
    }

    /// The Base64 HMAC-SHA1 signature, keyed with `<secret>&`.
    public static func rpcSignature(method: String, parameters: [(name: String, value: String)], secret: String) -> String {
        let toSign = rpcStringToSign(method: method, parameters: parameters)
        return Base64.encode(Digest.hmac(.sha1, key: Array((secret + "&").utf8), message: Array(toSign.utf8)))
    }

    /// `2026-11-23T12:00:00Z`: the format of `x-acs-date` and `Timestamp`.
    public static func timestamp(_ date: Date) -> String {
        let compact = Array(SigV4Signer.amzDate(date))  // 20261123T120000Z
        let parts = [compact[0..<4], compact[4..<6], compact[6..<8], compact[9..<11], compact[11..<13], compact[13..<15]].map { String($0) }
        return "\(parts[0])-\(parts[1])-\(parts[2])T\(parts[3]):\(parts[4]):\(parts[5])Z"
    }
}
