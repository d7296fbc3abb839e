import AsyncHTTPClient
import BridgeCore
import BridgeTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The CodeDeploy fake itself: it must refuse what CodeDeploy refuses, or the provider tests prove nothing.
@Suite struct CodeDeployFakeTests {
    struct Answer {
        var status: Int
        var errorType: String?
        var body: String
    }

    /// Sends a GetDeployment body, signed with `credentials` unless `sign` is false, after `tamper` edits the request.
    static func send(
        _ fake: CodeDeployFake, credentials: AWSCredentials = CodeDeployFake.defaultCredentials, sign: Bool = true,
        body: String = #"{"deploymentId":"d-NOSUCH000"}"#, tamper: (inout HTTPClientRequest) -> Void = { _ in }
    ) async throws -> Answer {
        let host = "127.0.0.1:\(fake.port ?? 0)"
        var request = HTTPClientRequest(url: fake.endpoint + "/")
        request.method = .POST
        let headers = [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "CodeDeploy_20141006.GetDeployment")]
        let signable = SignableRequest(method: "POST", host: host, path: "/", headers: headers, body: Array(body.utf8))
        let sent = sign ? SigV4Signer(service: "codedeploy", region: fake.region).sign(signable, credentials: credentials, date: Date()) : headers
        for (name, value) in sent { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        tamper(&request)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let text = String(buffer: try await response.body.collect(upTo: 1024 * 1024))
        return Answer(status: Int(response.status.code), errorType: response.headers.first(name: "x-amzn-ErrorType"), body: text)
    }

    @Test func aRightSignatureReachesTheOperation() async throws {
        try await withCodeDeployFake { fake in
            let answer = try await Self.send(fake)
            #expect(answer.status == 400)
            #expect(answer.body.contains("#DeploymentDoesNotExistException"))
        }
    }

    @Test func aMissingSignatureIsRefused() async throws {
        try await withCodeDeployFake { fake in
            let answer = try await Self.send(fake, sign: false)
            #expect(answer.status == 403)
            #expect(answer.errorType?.hasPrefix("MissingAuthenticationTokenException:") == true)
        }
    }

    @Test func aMalformedAuthorizationIsAnIncompleteSignature() async throws {
        try await withCodeDeployFake { fake in
            let answer = try await Self.send(fake) { request in
                request.headers.replaceOrAdd(name: "Authorization", value: "AWS4-HMAC-SHA256 Credential=AKIAFAKECODEDEPLOY01")
            }
            #expect(answer.status == 400)
            #expect(answer.errorType?.hasPrefix("IncompleteSignatureException:") == true)
        }
    }

    @Test func aBodyChangedAfterSigningIsAnInvalidSignature() async throws {
        try await withCodeDeployFake { fake in
            let answer = try await Self.send(fake) { request in request.body = .bytes(ByteBuffer(string: #"{"deploymentId":"d-OTHER0000"}"#)) }
            #expect(answer.status == 403)
            #expect(answer.errorType?.hasPrefix("InvalidSignatureException:") == true)
            #expect(fake.requests.first?.errorCode == "InvalidSignatureException")
        }
    }

    @Test func aSignedHeaderChangedAfterSigningIsAnInvalidSignature() async throws {
        try await withCodeDeployFake { fake in
            let answer = try await Self.send(fake) { request in
                request.headers.replaceOrAdd(name: "X-Amz-Target", value: "CodeDeploy_20141006.StopDeployment")
            }
            #expect(answer.status == 403)
            #expect(answer.errorType?.hasPrefix("InvalidSignatureException:") == true)
        }
    }

    @Test func anUnknownKeyIsUnrecognized() async throws {
        try await withCodeDeployFake { fake in
            let stranger = AWSCredentials(accessKeyID: "AKIASTRANGER00000000", secretAccessKey: CodeDeployFake.defaultCredentials.secretAccessKey)
            let answer = try await Self.send(fake, credentials: stranger)
            #expect(answer.status == 403)
            #expect(answer.errorType?.hasPrefix("UnrecognizedClientException:") == true)
        }
    }

    @Test func anUnsignedHostIsAnIncompleteSignature() async throws {
        try await withCodeDeployFake { fake in
            let answer = try await Self.send(fake) { request in
                let authorization = request.headers.first(name: "Authorization") ?? ""
                request.headers.replaceOrAdd(
                    name: "Authorization",
                    value: authorization.replacingOccurrences(of: "SignedHeaders=content-type;host;", with: "SignedHeaders=content-type;"))
            }
            #expect(answer.status == 400)
            #expect(answer.errorType?.hasPrefix("IncompleteSignatureException:") == true)
        }
    }
}
