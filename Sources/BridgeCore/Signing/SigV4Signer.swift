import Foundation

/// An HTTP request as it will be sent, for signing: the path already percent-encoded as on the wire, the query
/// unencoded, the body exactly as sent.
public struct SignableRequest: Sendable {
    public var method: String
    /// The `Host` header value (`apigateway.eu-west-2.amazonaws.com`, or `127.0.0.1:5123` for an endpoint override).
    public var host: String
    /// The encoded path as sent (`/restapis/a1b2c3/deployments`).
    public var path: String
    public var query: [(name: String, value: String)]
    /// Headers to send and sign (`Content-Type`, `Accept`, `X-Amz-Target`…); `Host` is added by the signer.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(
        method: String, host: String, path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) {
        self.method = method
        self.host = host
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// AWS Signature Version 4 for non-S3 services (IAM user guide, "Create a signed AWS API request"; botocore
/// `SigV4Auth`): canonical request, string to sign, derived key, `Authorization` header.
public struct SigV4Signer: Sendable {
    public var service: String
    public var region: String
    /// Also send and sign `X-Amz-Content-SHA256`. Only needed by moto, whose signature check hashes a body-less
    /// request's headers instead of its empty body unless this header is present (shared/reference/providers.md §4).
    public var signsContentSHA256: Bool

    public init(service: String, region: String, signsContentSHA256: Bool = false) {
        self.service = service
        self.region = region
        self.signsContentSHA256 = signsContentSHA256
    }

    /// Headers botocore never signs: hop-by-hop ones, and those proxies rewrite.
    static let unsignedHeaders: Set<String> = [
        "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id", "authorization",
    ]

    /// The request's headers with `Host`, `X-Amz-Date`, `X-Amz-Security-Token` (temporary credentials) and
    /// `Authorization` added: send exactly these.
    public func sign(_ request: SignableRequest, credentials: AWSCredentials, date: Date) -> [(name: String, value: String)] {
        let amzDate = Self.amzDate(date)
        var headers = request.headers.filter { $0.name.lowercased() != "host" && $0.name.lowercased() != "authorization" }
        headers.insert((name: "Host", value: request.host), at: 0)
        headers.append((name: "X-Amz-Date", value: amzDate))
        if signsContentSHA256 { headers.append((name: "X-Amz-Content-SHA256", value: Digest.sha256Hex(request.body))) }
        if let token = credentials.sessionToken { headers.append((name: "X-Amz-Security-Token", value: token)) }
        let canonical = canonicalRequest(request, headers: headers)
        let scope = "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
        let toSign = ["AWS4-HMAC-SHA256", amzDate, scope, Digest.sha256Hex(Array(canonical.request.utf8))].joined(separator: "\n")
        let key = signingKey(secret: credentials.secretAccessKey, dateStamp: String(amzDate.prefix(8)))
        let signature = Hex.encode(Digest.hmac(.sha256, key: key, message: Array(toSign.utf8)))
        headers.append(
            (
                name: "Authorization",
                value: "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(canonical.signedHeaders), "
                    + "Signature=\(signature)"
            ))
        return headers
    }

    /// The canonical request and the signed-headers list (exposed for tests against published vectors).
    public func canonicalRequest(_ request: SignableRequest, headers: [(name: String, value: String)]) -> (
        request: String, signedHeaders: String
    ) {
        var grouped: [String: [String]] = [:]
        for header in headers where !Self.unsignedHeaders.contains(header.name.lowercased()) {
            grouped[header.name.lowercased(), default: []].append(Self.trimmed(header.value))
        }
        let names = grouped.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(grouped[$0]?.joined(separator: ",") ?? "")\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let lines = [
            request.method.uppercased(), Self.canonicalURI(request.path), Self.canonicalQuery(request.query), canonicalHeaders,
            signedHeaders, Digest.sha256Hex(request.body),
        ]
        return (lines.joined(separator: "\n"), signedHeaders)
    }

    func signingKey(secret: String, dateStamp: String) -> [UInt8] {
        let date = Digest.hmac(.sha256, key: Array("AWS4\(secret)".utf8), message: Array(dateStamp.utf8))
        let region = Digest.hmac(.sha256, key: date, message: Array(self.region.utf8))
        let service = Digest.hmac(.sha256, key: region, message: Array(self.service.utf8))
        return Digest.hmac(.sha256, key: service, message: Array("aws4_request".utf8))
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    public static func amzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(width - text.count, 0)) + text
        }
        let day = pad(parts.year, 4) + pad(parts.month, 2) + pad(parts.day, 2)
        let time = pad(parts.hour, 2) + pad(parts.minute, 2) + pad(parts.second, 2)
        return day + "T" + time + "Z"
    }

    /// Non-S3 canonical URI: dot segments removed, then every segment of the (already encoded) path encoded again.
    static func canonicalURI(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        let encoded = segments.map { uriEncode(String($0)) }.joined(separator: "/")
        return "/" + encoded
    }

    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { (uriEncode($0.name), uriEncode($0.value)) }
        let sorted = encoded.sorted { left, right in left.name == right.name ? left.value < right.value : left.name < right.name }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// RFC 3986 encoding: everything but `A-Z a-z 0-9 - _ . ~`, as uppercase `%XX` of the UTF-8 bytes.
    public static func uriEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Header values trimmed, inner runs of spaces collapsed to one.
    static func trimmed(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
