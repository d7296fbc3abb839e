import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOCore
import NIOHTTP1

/// The three unauthenticated IAM calls of the moto recipe, as plain query-API requests. moto routes a request to
/// loopback by the service in its credential scope, so each is signed (with a throwaway key moto does not check yet)
/// for `iam` in `us-east-1`.
struct MotoIAMSetup: Sendable {
    let port: Int
    let httpClient: HTTPClient

    /// Creates the user, its key and its policy; returns the key.
    func run(userName: String) async throws -> AWSCredentials {
        _ = try await call(["Action": "CreateUser", "UserName": userName])
        let created = try await call(["Action": "CreateAccessKey", "UserName": userName])
        guard let keyID = XMLText.element("AccessKeyId", in: created), let secret = XMLText.element("SecretAccessKey", in: created) else {
            throw MotoServer.StartError(description: "moto's CreateAccessKey answer has no key")
        }
        let policy: ConfigValue = .object([
            "Version": .string("2012-10-17"),
            "Statement": .array([
                .object([
                    "Effect": .string("Allow"), "Resource": .string("*"),
                    "Action": .array(["apigateway:*", "codedeploy:*", "sts:*"].map(ConfigValue.string)),
                ])
            ]),
        ])
        _ = try await call([
            "Action": "PutUserPolicy", "UserName": userName, "PolicyName": "gitops-bridge-tests", "PolicyDocument": policy.jsonText,
        ])
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret)
    }

    /// One IAM query call; the answer's text, or an error with moto's.
    private func call(_ parameters: [String: String]) async throws -> String {
        let form = (parameters.merging(["Version": "2010-05-08"]) { $1 }).sorted { $0.key < $1.key }
            .map { "\(SigV4Signer.uriEncode($0.key))=\(SigV4Signer.uriEncode($0.value))" }.joined(separator: "&")
        let host = "127.0.0.1:\(port)"
        let signable = SignableRequest(
            method: "POST", host: host, path: "/", headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Array(form.utf8))
        let throwaway = AWSCredentials(accessKeyID: "AKIDMOTOSETUP", secretAccessKey: "unchecked")
        var request = HTTPClientRequest(url: "http://\(host)/")
        request.method = .POST
        for header in SigV4Signer(service: "iam", region: "us-east-1").sign(signable, credentials: throwaway, date: Date()) {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(string: form))
        let response = try await httpClient.execute(request, timeout: .seconds(10))
        let text = String(buffer: try await response.body.collect(upTo: 1024 * 1024))
        guard response.status == .ok else {
            throw MotoServer.StartError(description: "moto's IAM \(parameters["Action"] ?? "") answered \(response.status.code): \(text.prefix(300))")
        }
        return text
    }
}

/// The text of an XML element, for moto's query-API answers.
enum XMLText {
    static func element(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }
}
