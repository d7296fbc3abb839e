import BridgeCore
import Foundation

/// Checks a request's SigV4 `Authorization` header the way an AWS front end does, recomputing the signature from
/// the known secret. Written apart from `SigV4Signer`, from the IAM user guide's steps, so that a fake using it
/// catches the signer's mistakes rather than sharing them.
struct SigV4RequestVerifier: Sendable {
    /// Why a request was refused: the HTTP status, AWS's error code and its message.
    struct Refusal: Error, Sendable, Hashable {
        var status: Int
        var code: String
        var message: String
    }

    var credentials: AWSCredentials
    var region: String
    var service: String

    /// Throws the refusal AWS would answer with; returns when the signature is right.
    func verify(
        method: String, path: String, query: String?, host: String?, headers: [String: String], body: [UInt8]
    ) throws(Refusal) {
        guard let authorization = headers["authorization"] else {
            throw Refusal(status: 403, code: "MissingAuthenticationTokenException", message: "Missing Authentication Token")
        }
        let fields = try Self.fields(of: authorization)
        guard let credential = fields["Credential"], let signedList = fields["SignedHeaders"], let signature = fields["Signature"] else {
            throw Self.incomplete("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.")
        }
        let scopeParts = credential.split(separator: "/", maxSplits: 1).map(String.init)
        guard scopeParts.count == 2 else { throw Self.incomplete("Credential must have the form <key>/<scope>.") }
        guard scopeParts[0] == credentials.accessKeyID else {
            throw Refusal(status: 403, code: "UnrecognizedClientException", message: "The security token included in the request is invalid.")
        }
        guard headers["x-amz-security-token"] == credentials.sessionToken else {
            throw Refusal(status: 403, code: "UnrecognizedClientException", message: "The security token included in the request is invalid.")
        }
        let signedHeaders = signedList.split(separator: ";").map(String.init)
        guard signedHeaders.contains("host"), signedHeaders.contains("x-amz-date") || signedHeaders.contains("date"),
            let amzDate = headers["x-amz-date"], amzDate.count == 16
        else {
            throw Self.incomplete("Signed headers must include host and x-amz-date, and X-Amz-Date must be yyyyMMddTHHmmssZ.")
        }
        if headers["x-amz-security-token"] != nil && !signedHeaders.contains("x-amz-security-token") {
            throw Self.incomplete("The session token must be signed.")
        }
        let scope = "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
        guard scopeParts[1] == scope else {
            throw Refusal(status: 403, code: "InvalidSignatureException", message: "Credential should be scoped to \(scope).")
        }
        var lines = [method, Self.canonicalPath(path), Self.canonicalQuery(query ?? "")]
        for name in signedHeaders {
            let value = name == "host" ? host : headers[name]
            guard let value else { throw Self.incomplete("The signed header \(name) is missing from the request.") }
            lines.append("\(name):\(value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " "))")
        }
        let canonical = lines.joined(separator: "\n") + "\n\n" + signedList + "\n" + Hex.encode(Digest.hash(.sha256, body))
        let toSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n" + Hex.encode(Digest.hash(.sha256, Array(canonical.utf8)))
        var key = Array("AWS4\(credentials.secretAccessKey)".utf8)
        for part in [String(amzDate.prefix(8)), region, service, "aws4_request"] {
            key = Digest.hmac(.sha256, key: key, message: Array(part.utf8))
        }
        let expected = Hex.encode(Digest.hmac(.sha256, key: key, message: Array(toSign.utf8)))
        guard Digest.constantTimeEqual(Array(expected.utf8), Array(signature.utf8)) else {
            throw Refusal(
                status: 403, code: "InvalidSignatureException",
                message: "The request signature we calculated does not match the signature you provided. "
                    + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
        }
    }

    /// `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` as a map.
    private static func fields(of authorization: String) throws(Refusal) -> [String: String] {
        let prefix = "AWS4-HMAC-SHA256 "
        guard authorization.hasPrefix(prefix) else { throw incomplete("Only AWS4-HMAC-SHA256 is supported.") }
        var fields: [String: String] = [:]
        for part in authorization.dropFirst(prefix.count).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { throw incomplete("Authorization header parameters must be name=value pairs.") }
            fields[pair[0]] = pair[1]
        }
        return fields
    }

    private static func incomplete(_ message: String) -> Refusal {
        Refusal(status: 400, code: "IncompleteSignatureException", message: message)
    }

    /// Each segment of the path as received (still percent-encoded) encoded once more.
    static func canonicalPath(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        return "/" + segments.map { encode(String($0)) }.joined(separator: "/")
    }

    static func canonicalQuery(_ query: String) -> String {
        let pairs = query.split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let decode = { (text: String) in text.removingPercentEncoding ?? text }
            return (encode(decode(parts[0])), encode(decode(parts.count > 1 ? parts[1] : "")))
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    static func encode(_ text: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8)
        return text.utf8.map { unreserved.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
    }
}
