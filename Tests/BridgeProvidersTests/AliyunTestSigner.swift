import BridgeCore
import Foundation

/// A minimal DeployApi signer written for the fake's own tests from Alibaba's documentation (providers.md §5), apart
/// from `AlibabaSigner` and from the fake's verifier, so the tests do not check the fake against itself.
struct AliyunTestSigner {
    /// A request ready to send: the query (encoded), the headers, the body.
    struct Prepared {
        var query: String
        var headers: [(String, String)]
        var body: String = ""

        /// Rewrites the `Authorization` header, as a client with a bug would have sent it.
        mutating func editAuthorization(_ edit: (String) -> String) {
            headers = headers.map { ($0.0, $0.0 == "Authorization" ? edit($0.1) : $0.1) }
        }
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")

    var credentials: AlibabaCredentials
    var date = Date()
    var nonce = UUID().uuidString

    var timestamp: String { ISO8601DateFormatter().string(from: date) }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    static func query(_ parameters: [(String, String)]) -> String {
        let encoded = parameters.map { (name: encode($0.0), value: encode($0.1)) }
        return encoded.sorted { ($0.name, $0.value) < ($1.name, $1.value) }.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// `Authorization: ACS3-HMAC-SHA256 …` over `host` and the `x-acs-*` headers.
    func acs3(host: String, parameters: [(String, String)], body: String = "") -> Prepared {
        let bodyHash = Digest.sha256Hex(Array(body.utf8))
        var headers = [
            "host": host, "x-acs-action": "DeployApi", "x-acs-version": "2016-07-14", "x-acs-date": timestamp,
            "x-acs-signature-nonce": nonce, "x-acs-content-sha256": bodyHash,
        ]
        headers["x-acs-security-token"] = credentials.securityToken
        let names = headers.keys.sorted()
        let query = Self.query(parameters)
        let canonicalHeaders = names.map { "\($0):\(headers[$0] ?? "")\n" }.joined()
        let canonical = "POST\n/\n\(query)\n\(canonicalHeaders)\n\(names.joined(separator: ";"))\n\(bodyHash)"
        let toSign = "ACS3-HMAC-SHA256\n" + Digest.sha256Hex(Array(canonical.utf8))
        let signature = Hex.encode(Digest.hmac(.sha256, key: Array(credentials.accessKeySecret.utf8), message: Array(toSign.utf8)))
        let authorization =
            "ACS3-HMAC-SHA256 Credential=\(credentials.accessKeyID),SignedHeaders=\(names.joined(separator: ";")),Signature=\(signature)"
        return Prepared(query: query, headers: headers.sorted { $0.key < $1.key } + [("Authorization", authorization)], body: body)
    }

    /// RPC signature v1: the common parameters added, then `Signature`.
    func rpc(parameters: [(String, String)]) -> Prepared {
        var all =
            parameters + [
                ("AccessKeyId", credentials.accessKeyID), ("Action", "DeployApi"), ("Version", "2016-07-14"), ("Format", "JSON"),
                ("SignatureMethod", "HMAC-SHA1"), ("SignatureVersion", "1.0"), ("SignatureNonce", nonce), ("Timestamp", timestamp),
            ]
        if let token = credentials.securityToken { all.append(("SecurityToken", token)) }
        let toSign = "POST&%2F&" + Self.encode(Self.query(all))
        let key = Array((credentials.accessKeySecret + "&").utf8)
        let signature = Data(Digest.hmac(.sha1, key: key, message: Array(toSign.utf8))).base64EncodedString()
        return Prepared(query: Self.query(all + [("Signature", signature)]), headers: [])
    }
}
