import BridgeCore
import Foundation

/// Checks a CloudAPI `DeployApi` request's signature the way Alibaba's POP gateway does, recomputing it from the known
/// secret: `ACS3-HMAC-SHA256` when an `Authorization` header is sent, RPC signature v1 (HMAC-SHA1) when a `Signature`
/// query parameter is. Written apart from `AlibabaSigner`, from Alibaba's documentation (providers.md §5), so that a
/// fake using it catches the signer's mistakes rather than sharing them; `AliyunFakeTests` shows that it accepts the
/// requests Alibaba's own SDKs sign.
struct AlibabaRequestVerifier: Sendable {
    /// Why a request was refused: the HTTP status, Alibaba's error code and its message.
    struct Refusal: Error, Sendable, Hashable {
        var status: Int
        var code: String
        var message: String
    }

    /// What a request whose signature is right carried.
    struct Verified: Sendable, Hashable {
        var signature: AliyunFake.SignatureVersion
        var accessKeyID: String
        var nonce: String
        var sentSecurityToken: Bool
        /// The query's parameters, decoded (the first of a repeated name).
        var parameters: [String: String]
    }

    static let action = "DeployApi"
    static let version = "2016-07-14"
    /// The headers an ACS3 request must send and sign besides `host`.
    static let acs3Headers = ["x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"]
    /// The common parameters an RPC v1 request must send besides `Signature`.
    static let rpcParameters = ["AccessKeyId", "Action", "Version", "Format", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp"]
    /// The gateway refuses a timestamp further than this from its clock.
    static let allowedSkew: TimeInterval = 15 * 60

    var credentials: AlibabaCredentials
    var now: Date

    /// Throws the refusal Alibaba would answer with; returns what the request carried when its signature is right.
    func verify(method: String, query: String?, host: String, headers: [String: String], body: [UInt8]) throws(Refusal) -> Verified {
        let pairs = Self.pairs(query ?? "")
        if let authorization = headers["authorization"] {
            return try verifyACS3(authorization, method: method, query: pairs, host: host, headers: headers, body: body)
        }
        if pairs.contains(where: { $0.name == "Signature" }) {
            return try verifyRPC(method: method, query: pairs)
        }
        throw Refusal(status: 400, code: "MissingSignature", message: "The request has neither an Authorization header nor a Signature parameter.")
    }

    // MARK: ACS3-HMAC-SHA256

    private func verifyACS3(
        _ authorization: String, method: String, query: [(name: String, value: String)], host: String, headers: [String: String],
        body: [UInt8]
    ) throws(Refusal) -> Verified {
        let fields = try Self.fields(of: authorization)
        guard let accessKeyID = fields["Credential"], let signedList = fields["SignedHeaders"], let signature = fields["Signature"] else {
            throw Self.incomplete("The Authorization header needs Credential, SignedHeaders and Signature.")
        }
        let signedNames = Set(signedList.split(separator: ";").map { $0.lowercased() })
        var values = headers
        values["host"] = host
        let token = headers["x-acs-security-token"]
        for name in ["host"] + Self.acs3Headers + (token == nil ? [] : ["x-acs-security-token"]) {
            guard values[name] != nil, signedNames.contains(name) else { throw Self.incomplete("The header \(name) must be sent and signed.") }
        }
        try Self.check(action: values["x-acs-action"], version: values["x-acs-version"])
        try checkTime(values["x-acs-date"] ?? "")
        try check(accessKeyID: accessKeyID, securityToken: token)
        var lines = [method, "/", Self.canonicalQuery(query)]
        for name in signedNames.sorted() {
            guard let value = values[name] else { throw Self.incomplete("The signed header \(name) is missing from the request.") }
            lines.append("\(name):\(value.trimmingCharacters(in: .whitespaces))")
        }
        let bodyHash = Digest.sha256Hex(body)
        let canonical = lines.joined(separator: "\n") + "\n\n" + signedNames.sorted().joined(separator: ";") + "\n" + bodyHash
        let toSign = "ACS3-HMAC-SHA256\n" + Digest.sha256Hex(Array(canonical.utf8))
        let expected = Hex.encode(Digest.hmac(.sha256, key: Array(credentials.accessKeySecret.utf8), message: Array(toSign.utf8)))
        // A body changed after signing shows as a content hash that is not the body's: the same refusal.
        guard values["x-acs-content-sha256"] == bodyHash, Digest.constantTimeEqual(Array(expected.utf8), Array(signature.utf8)) else {
            throw Self.signatureDoesNotMatch
        }
        return Verified(
            signature: .acs3, accessKeyID: accessKeyID, nonce: values["x-acs-signature-nonce"] ?? "", sentSecurityToken: token != nil,
            parameters: Self.parameters(query))
    }

    /// `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…` as a map. Strict as documented: the fields are
    /// separated by a bare comma, as Alibaba's SDKs write them (AWS's `, ` is refused as incomplete).
    private static func fields(of authorization: String) throws(Refusal) -> [String: String] {
        let prefix = "ACS3-HMAC-SHA256 "
        guard authorization.hasPrefix(prefix) else { throw incomplete("Only the ACS3-HMAC-SHA256 Authorization scheme is supported.") }
        let pairs = authorization.dropFirst(prefix.count).components(separatedBy: ",").map { $0.split(separator: "=", maxSplits: 1) }
        guard pairs.allSatisfy({ $0.count == 2 && !$0[0].contains(" ") }) else {
            throw incomplete("The Authorization header's fields must be name=value, separated by commas without spaces.")
        }
        return Dictionary(pairs.map { (String($0[0]), String($0[1])) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: RPC signature v1

    private func verifyRPC(method: String, query: [(name: String, value: String)]) throws(Refusal) -> Verified {
        let parameters = Self.parameters(query)
        for name in Self.rpcParameters where parameters[name] == nil { throw Self.missing(name) }
        try Self.check(action: parameters["Action"], version: parameters["Version"])
        let expectedValues = ["Format": "JSON", "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0"]
        for (name, value) in expectedValues.sorted(by: { $0.key < $1.key }) where parameters[name] != value {
            throw Self.invalid(name, "it must be \(value)")
        }
        try checkTime(parameters["Timestamp"] ?? "")
        let accessKeyID = parameters["AccessKeyId"] ?? ""
        try check(accessKeyID: accessKeyID, securityToken: parameters["SecurityToken"])
        let canonical = Self.canonicalQuery(query.filter { $0.name != "Signature" })
        let toSign = "\(method)&%2F&" + Self.encode(canonical)
        let key = Array((credentials.accessKeySecret + "&").utf8)
        let expected = Data(Digest.hmac(.sha1, key: key, message: Array(toSign.utf8))).base64EncodedString()
        guard Digest.constantTimeEqual(Array(expected.utf8), Array((parameters["Signature"] ?? "").utf8)) else {
            throw Self.signatureDoesNotMatch
        }
        return Verified(
            signature: .rpc, accessKeyID: accessKeyID, nonce: parameters["SignatureNonce"] ?? "",
            sentSecurityToken: parameters["SecurityToken"] != nil, parameters: parameters)
    }

    // MARK: Checks both signatures make

    private static func check(action: String?, version: String?) throws(Refusal) {
        guard action == Self.action else {
            throw Refusal(status: 404, code: "InvalidAction.NotFound", message: "Specified api is not found, please check your url and method.")
        }
        guard version == Self.version else {
            throw Refusal(status: 400, code: "InvalidVersion", message: "Specified parameter Version is not valid.")
        }
    }

    /// `yyyy-MM-ddTHH:mm:ssZ`, within 15 minutes of the gateway's clock.
    private func checkTime(_ text: String) throws(Refusal) {
        guard text.count == 20, text.hasSuffix("Z"), let date = ISO8601DateFormatter().date(from: text) else {
            throw Refusal(status: 400, code: "InvalidTimeStamp.Format", message: "Specified time stamp or date value is not well formatted.")
        }
        guard abs(date.timeIntervalSince(now)) <= Self.allowedSkew else {
            throw Refusal(status: 400, code: "InvalidTimeStamp.Expired", message: "Specified time stamp or date value is expired.")
        }
    }

    /// The key must be the known one; a temporary (STS) key needs its own token, a long-term key takes none.
    private func check(accessKeyID: String, securityToken: String?) throws(Refusal) {
        guard accessKeyID == credentials.accessKeyID else {
            throw Refusal(status: 404, code: "InvalidAccessKeyId.NotFound", message: "Specified access key is not found.")
        }
        if credentials.securityToken != nil, securityToken == nil {
            throw Refusal(
                status: 400, code: "InvalidSecurityToken.Missing", message: "This AccessKey is temporary (STS): the request needs its SecurityToken.")
        }
        guard securityToken == credentials.securityToken else {
            throw Refusal(
                status: 400, code: "InvalidSecurityToken.MismatchWithAccessKey", message: "Specified SecurityToken mismatch with the AccessKey.")
        }
    }

    // MARK: Encoding

    static let signatureDoesNotMatch = Refusal(
        status: 400, code: "SignatureDoesNotMatch", message: "Specified signature is not matched with our calculation.")

    static func incomplete(_ message: String) -> Refusal {
        Refusal(status: 400, code: "IncompleteSignature", message: message)
    }

    static func missing(_ name: String) -> Refusal {
        Refusal(
            status: 400, code: "MissingParameter",
            message: "The input parameter \"\(name)\" that is mandatory for processing this request is not supplied.")
    }

    static func invalid(_ name: String, _ reason: String) -> Refusal {
        Refusal(status: 400, code: "InvalidParameter", message: "The specified parameter \"\(name)\" is not valid: \(reason).")
    }

    /// `a=1&b=x%20y` decoded, in order; `+` is read as a space, as the Tea SDK writes one in the URL.
    static func pairs(_ query: String) -> [(name: String, value: String)] {
        query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part) }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    static func parameters(_ pairs: [(name: String, value: String)]) -> [String: String] {
        Dictionary(pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// Sorted by encoded name (then value), each `enc(name)=enc(value)`, joined with `&`.
    static func canonicalQuery(_ pairs: [(name: String, value: String)]) -> String {
        let encoded: [(name: String, value: String)] = pairs.map { (encode($0.name), encode($0.value)) }
        let sorted = encoded.sorted { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// RFC 3986 over UTF-8: `A-Z a-z 0-9 - _ . ~` kept, everything else `%XX` (a space is `%20`, `*` is `%2A`).
    static func encode(_ text: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8)
        return text.utf8.map { unreserved.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
    }
}
