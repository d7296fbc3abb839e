import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

/// `AlibabaSigner` and the `aliyun-apigateway` request builder against vectors made by Alibaba's official SDKs
/// (alibabacloud-tea-openapi, alibabacloud-openapi-util and aliyun-python-sdk-core, used only as reference signers:
/// `Tests/peers/alibaba_signature_vectors.py`, output in `Fixtures/alibaba-signature-vectors.json`).
@Suite struct AlibabaSignatureVectorTests {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var algorithm: String
        var accessKeyId: String?
        var accessKeySecret: String
        var securityToken: String?
        var method: String
        var host: String?
        var path: String?
        var query: [[String]]?
        var headers: [[String]]?
        var parameters: [[String]]?
        var canonicalRequest: String?
        var stringToSign: String
        var authorization: String?
        var signature: String?

        var testDescription: String { name }

        func pairs(_ list: [[String]]?) -> [(name: String, value: String)] {
            (list ?? []).map { ($0[0], $0[1]) }
        }

        func value(_ name: String, in list: [[String]]?) -> String? {
            list?.first { $0[0] == name }?[1]
        }

        var credentials: AlibabaCredentials {
            AlibabaCredentials(
                accessKeyID: accessKeyId ?? value("AccessKeyId", in: parameters) ?? "", accessKeySecret: accessKeySecret,
                securityToken: securityToken ?? value("SecurityToken", in: parameters))
        }
    }

    struct VectorFile: Decodable {
        var cases: [Vector]
    }

    static let vectors: [Vector] = {
        guard let url = Bundle.module.url(forResource: "Fixtures/alibaba-signature-vectors", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { return [] }
        return (try? JSONDecoder().decode(VectorFile.self, from: data).cases) ?? []
    }()
    static let acs3 = vectors.filter { $0.algorithm == "ACS3-HMAC-SHA256" }
    static let rpc = vectors.filter { $0.algorithm == "HMAC-SHA1" }

    @Test func theFixtureIsLoadedWhole() {
        #expect(Self.acs3.count == 6)
        #expect(Self.rpc.count == 6)
    }

    @Test(arguments: acs3)
    func acs3SignaturesEqualTheSDKs(_ vector: Vector) throws {
        let headers = vector.pairs(vector.headers)
        let canonical = AlibabaSigner.acs3CanonicalRequest(
            method: vector.method, path: try #require(vector.path), query: vector.pairs(vector.query), headers: headers, body: [])
        #expect(canonical.request == vector.canonicalRequest)
        #expect(AlibabaSigner.acs3StringToSign(canonicalRequest: canonical.request) == vector.stringToSign)
        let authorization = AlibabaSigner.acs3Authorization(
            method: vector.method, path: "/", query: vector.pairs(vector.query), headers: headers, body: [], credentials: vector.credentials)
        #expect(authorization == vector.authorization)
    }

    @Test(arguments: rpc)
    func rpcSignaturesEqualTheSDKs(_ vector: Vector) {
        let parameters = vector.pairs(vector.parameters)
        #expect(AlibabaSigner.rpcStringToSign(method: vector.method, parameters: parameters) == vector.stringToSign)
        #expect(AlibabaSigner.rpcSignature(method: vector.method, parameters: parameters, secret: vector.accessKeySecret) == vector.signature)
    }

    /// The rules parameters a vector's request comes from, with its endpoint when it is not Alibaba's.
    static func request(for vector: Vector, business: [[String]]?, signature: String) throws -> AliyunDeployRequest {
        var parameters: [String: ConfigValue] = [
            "region": "cn-hangzhou", "signature": .string(signature),
            "group_id": .string(try #require(vector.value("GroupId", in: business))),
            "api_id": .string(try #require(vector.value("ApiId", in: business))),
            "stage": .string(try #require(vector.value("StageName", in: business))),
            "description": .string(try #require(vector.value("Description", in: business))),
        ]
        if let host = vector.host, host.hasPrefix("127.0.0.1") { parameters["endpoint"] = .string("http://\(host)") }
        let event = PushEvent(forge: .github, repository: "acme/shop", refKind: .branch, refName: "main", sha: String(repeating: "a", count: 40))
        return try AliyunDeployRequest(parameters: .object(parameters), event: event)
    }

    @Test(arguments: acs3)
    func theBuilderSendsTheACS3RequestTheSDKsSigned(_ vector: Vector) throws {
        let built = try Self.request(for: vector, business: vector.query, signature: "ACS3-HMAC-SHA256")
        let time = try #require(vector.value("x-acs-date", in: vector.headers))
        let date = try #require(ISO8601DateFormatter().date(from: time))
        let nonce = try #require(vector.value("x-acs-signature-nonce", in: vector.headers))
        let signed = built.signed(credentials: vector.credentials, date: date, nonce: nonce)
        #expect(signed.method == "POST" && signed.body.isEmpty)
        let sent = signed.headers.filter { $0.name != "Authorization" }.map { [$0.name, $0.value] }
        #expect(sent.sorted { $0[0] < $1[0] } == vector.headers)
        #expect(signed.headers.first { $0.name == "Authorization" }?.value == vector.authorization)
        let scheme = vector.host?.hasPrefix("127.0.0.1") == true ? "http" : "https"
        #expect(signed.url == "\(scheme)://\(vector.host ?? "")/?" + AlibabaSigner.canonicalQuery(vector.pairs(vector.query)))
    }

    @Test(arguments: rpc.filter { $0.value("Action", in: $0.parameters) == "DeployApi" })
    func theBuilderSendsTheRPCRequestTheSDKsSigned(_ vector: Vector) throws {
        let built = try Self.request(for: vector, business: vector.parameters, signature: "HMAC-SHA1")
        let time = try #require(vector.value("Timestamp", in: vector.parameters))
        let date = try #require(ISO8601DateFormatter().date(from: time))
        let nonce = try #require(vector.value("SignatureNonce", in: vector.parameters))
        let signed = built.signed(credentials: vector.credentials, date: date, nonce: nonce)
        let signature = try #require(vector.signature)
        let expected = AlibabaSigner.canonicalQuery(vector.pairs(vector.parameters) + [("Signature", signature)])
        #expect(signed.url == "https://apigateway.cn-hangzhou.aliyuncs.com/?" + expected)
    }

    @Test func theFixtureIsTheGeneratorsOutput() throws {
        let cases = try PeerScripts.casesOfOutputAndFixture(
            script: "alibaba_signature_vectors.py", fixture: "alibaba-signature-vectors.json",
            needs:
                "are Alibaba's SDKs installed (scripts/test installs the pinned alibabacloud-tea-openapi, alibabacloud-openapi-util, aliyun-python-sdk-core)?"
        )
        #expect(
            cases.output == cases.fixture,
            "regenerate: python3 Tests/peers/alibaba_signature_vectors.py > Tests/BridgeProvidersTests/Fixtures/alibaba-signature-vectors.json")
    }
}
