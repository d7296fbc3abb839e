import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

/// The requests the AWS builders produce, signed by `SigV4Signer`, against botocore's `SigV4Auth` on the same
/// requests (`Tests/peers/sigv4_botocore_vectors.py`, output in `Fixtures/sigv4-botocore-vectors.json`), and the
/// reference vectors of providers.md §3 whose inputs are fully stated.
@Suite struct SigV4BotocoreVectorTests {
    struct VectorFile: Decodable {
        var generator: String
        var botocore: String
        var accessKeyID: String
        var secretAccessKey: String
        var cases: [Vector]
    }

    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var provider: String
        var operation: String
        var parameters: ConfigValue
        var pushedSHA: String
        var time: String
        var sessionToken: String?
        var method: String
        var url: String
        var headers: [[String]]
        var body: String
        var signedHeaders: [String: String]
        var authorization: String
        var deploymentID: String?

        var testDescription: String { name }
    }

    static func loadFile() throws -> VectorFile {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/sigv4-botocore-vectors", withExtension: "json"))
        return try JSONDecoder().decode(VectorFile.self, from: Data(contentsOf: url))
    }

    static let file = try? loadFile()
    static let vectors = file?.cases ?? []

    /// The request the builders make for a vector, and its target.
    static func built(_ vector: Vector) throws -> (request: AWSRequest, target: AWSTarget) {
        if vector.provider == APIGatewayDeploymentRequest.provider {
            let built = try APIGatewayDeploymentRequest(parameters: vector.parameters)
            return (built.request, built.target)
        }
        let built = try CodeDeployRequest(parameters: vector.parameters, pushedSHA: vector.pushedSHA)
        let id = vector.deploymentID ?? ""
        switch vector.operation {
        case "GetDeployment": return (built.getDeployment(id: id), built.target)
        case "StopDeployment": return (built.stopDeployment(id: id), built.target)
        default: return (built.createDeployment, built.target)
        }
    }

    @Test func theFixtureIsLoadedWhole() throws {
        let file = try Self.loadFile()
        #expect(file.cases.count == 11)
        #expect(Self.vectors.count == 11)
        #expect(file.accessKeyID == "AKIDEXAMPLE")
    }

    @Test(arguments: vectors)
    func buildersMakeTheRequestBotocoreSigned(_ vector: Vector) throws {
        let (request, target) = try Self.built(vector)
        #expect(request.method == vector.method)
        #expect(target.url(for: request) == vector.url)
        #expect(request.headers.map { [$0.name, $0.value] } == vector.headers)
        #expect(String(decoding: request.body, as: UTF8.self) == vector.body)
    }

    @Test(arguments: vectors)
    func signaturesEqualBotocores(_ vector: Vector) throws {
        let file = try #require(Self.file)
        let (request, target) = try Self.built(vector)
        let credentials = AWSCredentials(
            accessKeyID: file.accessKeyID, secretAccessKey: file.secretAccessKey, sessionToken: vector.sessionToken)
        let date = try #require(ISO8601DateFormatter().date(from: vector.time))
        let signed = target.signer(service: request.service).sign(request.signable(host: target.host), credentials: credentials, date: date)
        let headers = Dictionary(signed.map { ($0.name, $0.value) }) { $1 }
        #expect(headers["Authorization"] == vector.authorization)
        for (name, value) in vector.signedHeaders {
            #expect(headers[name] == value, "\(name)")
        }
        #expect(headers["X-Amz-Security-Token"] == vector.sessionToken)
    }

    @Test func theFixtureIsTheGeneratorsOutput() throws {
        let cases = try PeerScripts.casesOfOutputAndFixture(
            script: "sigv4_botocore_vectors.py", fixture: "sigv4-botocore-vectors.json",
            needs: "is botocore installed (python3 -m pip install 'moto[server]', as scripts/test does)?")
        // The botocore version may differ from the one that wrote the fixture; the vectors may not.
        #expect(
            cases.output == cases.fixture,
            "regenerate: python3 Tests/peers/sigv4_botocore_vectors.py > Tests/BridgeProvidersTests/Fixtures/sigv4-botocore-vectors.json")
    }

    // MARK: providers.md §3

    /// The AWS SigV4 suite's key and time, with which providers.md §3's vectors were made.
    static let suiteCredentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    static func signature(_ service: String, _ request: SignableRequest, token: String? = nil) -> String {
        var credentials = suiteCredentials
        credentials.sessionToken = token
        let headers = SigV4Signer(service: service, region: "us-east-1").sign(request, credentials: credentials, date: suiteDate)
        return headers.first { $0.name == "Authorization" }?.value ?? ""
    }

    static let createDeployment = SignableRequest(
        method: "POST", host: "apigateway.us-east-1.amazonaws.com", path: "/restapis/a1b2c3d4e5/deployments",
        headers: [("Content-Type", "application/json")], body: Array(#"{"stageName":"prod","description":"gitops deploy 3f2c1ab"}"#.utf8))

    @Test func referenceGetVanilla() {
        #expect(
            Self.signature("service", SignableRequest(method: "GET", host: "example.amazonaws.com", path: "/"))
                .hasSuffix("SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"))
    }

    @Test func referenceAPIGatewayCreateDeployment() {
        #expect(
            Self.signature("apigateway", Self.createDeployment)
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/apigateway/aws4_request, SignedHeaders=content-type;host;x-amz-date, "
                + "Signature=ba97e234f777fc7ca1c68bd17978d8c2ec396cddac209c131bd39633b257de8e")
    }

    @Test func referenceAPIGatewayCreateDeploymentWithSessionToken() {
        #expect(
            Self.signature("apigateway", Self.createDeployment, token: "IQoJb3JpZ2luX2VjEXAMPLETOKEN")
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/apigateway/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
                + "Signature=3a3226fd928f263994bc03c4bbe7674c74a7836a0ed4eb32946b1a348ef2a5eb")
    }

    @Test func referenceCodeDeployGetDeployment() {
        let request = SignableRequest(
            method: "POST", host: "codedeploy.us-east-1.amazonaws.com", path: "/",
            headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "CodeDeploy_20141006.GetDeployment")],
            body: Array(#"{"deploymentId":"d-ABCDEF123"}"#.utf8))
        #expect(
            Self.signature("codedeploy", request)
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/codedeploy/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                + "Signature=61de7ff01943ff58b108ce379fb0878d0a446967022428ec1b1a4543f0fdaef6")
    }
}
