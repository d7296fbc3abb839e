import BridgeCore
import BridgeTestSupport
import Foundation
import NIOHTTP1
import Testing

/// The fake verifies as Alibaba's SDKs sign: every `DeployApi` request of `Fixtures/alibaba-signature-vectors.json`
/// (made by alibabacloud-tea-openapi and aliyun-python-sdk-core) is accepted as sent, and refused with one character
/// of its signature changed.
extension AliyunFakeTests {
    typealias Vector = AlibabaSignatureVectorTests.Vector

    /// The vectors' `x-acs-date` and `Timestamp`.
    static let vectorTime = ISO8601DateFormatter().date(from: "2026-11-23T12:00:00Z")!
    static let deployVectors = AlibabaSignatureVectorTests.vectors.filter {
        $0.algorithm == "ACS3-HMAC-SHA256"
            ? $0.value("x-acs-action", in: $0.headers) == "DeployApi" : $0.value("Action", in: $0.parameters) == "DeployApi"
    }

    @Test func everyDeployApiVectorIsChecked() {
        #expect(Self.deployVectors.count == 11)
    }

    @Test(arguments: deployVectors)
    func acceptsWhatAlibabasSDKsSignedAndRefusesItWithOneCharacterChanged(_ vector: Vector) async throws {
        try await withAliyunFake(AliyunFake(credentials: vector.credentials, now: { Self.vectorTime })) { fake in
            // The forged request first: a refused signature must not spend the nonce the real one carries.
            let forged = try await Self.send(vector, to: fake, signature: Self.changingOneCharacter)
            #expect(forged.status == 400)
            #expect(Self.code(forged) == "SignatureDoesNotMatch")
            let signed = try await Self.send(vector, to: fake)
            #expect(signed.status == 200, "\(signed.text)")
            let deployment = try #require(fake.deployments.first)
            #expect(deployment.signature.rawValue == vector.algorithm)
            #expect(deployment.sentSecurityToken == (vector.credentials.securityToken != nil))
            #expect(deployment.description == vector.value("Description", in: vector.query ?? vector.parameters))
        }
    }

    /// The vector's request as the SDK sent it (its own `host` header included), its signature passed through `signature`.
    static func send(
        _ vector: Vector, to fake: AliyunFake, signature: (String) -> String = { $0 }
    ) async throws -> LoopbackHTTP.Answer {
        if let authorization = vector.authorization {
            let parts = authorization.components(separatedBy: ",Signature=")
            let headers =
                vector.pairs(vector.headers).map { ($0.name, $0.value) } + [("Authorization", parts[0] + ",Signature=" + signature(parts[1]))]
            let query = AliyunTestSigner.query(vector.pairs(vector.query).map { ($0.name, $0.value) })
            return try await LoopbackHTTP.send(.POST, "\(fake.endpoint)/?\(query)", headers: headers)
        }
        let parameters = vector.pairs(vector.parameters).map { ($0.name, $0.value) } + [("Signature", signature(vector.signature ?? ""))]
        return try await LoopbackHTTP.send(.POST, "\(fake.endpoint)/?\(AliyunTestSigner.query(parameters))")
    }

    /// The signature with its last character replaced (hex or base64 alike).
    static func changingOneCharacter(_ signature: String) -> String {
        var characters = Array(signature.dropLast(signature.hasSuffix("=") ? 1 : 0))
        let last = characters.removeLast()
        return String(characters) + (last == "0" ? "1" : "0") + (signature.hasSuffix("=") ? "=" : "")
    }
}
