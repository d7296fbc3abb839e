/// One AWS API call as it goes on the wire, before signing: what the builders produce and `AWSClient` sends.
public struct AWSRequest: Sendable, Hashable {
    public typealias Header = HeaderField

    /// The signing name and endpoint prefix (`apigateway`, `codedeploy`).
    public var service: String
    /// The operation's name, for messages (`CreateDeployment`).
    public var operation: String
    public var method: String
    /// The path, already percent-encoded as sent.
    public var path: String
    /// Headers to send and sign (the signer adds `Host`, `X-Amz-Date`, `Authorization`…).
    public var headers: [Header]
    /// The exact body bytes.
    public var body: [UInt8]

    public init(service: String, operation: String, method: String, path: String, headers: [Header], body: [UInt8]) {
        self.service = service
        self.operation = operation
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// The request as the signer takes it, for `host`.
    public func signable(host: String) -> SignableRequest {
        SignableRequest(method: method, host: host, path: path, headers: headers.map { ($0.name, $0.value) }, body: body)
    }
}
