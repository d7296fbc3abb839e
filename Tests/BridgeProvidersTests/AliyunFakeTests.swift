import BridgeCore
import BridgeTestSupport
import Foundation
import NIOHTTP1
import Testing

/// The Alibaba Cloud fake itself: it must verify signatures as Alibaba does and refuse what `DeployApi` refuses, or
/// the provider tests prove nothing. Requests are signed by `AliyunTestSigner` or come from Alibaba's SDKs.
@Suite struct AliyunFakeTests {
    static let business = [
        ("ApiId", "d6f6a0b1c2d34e5f8a9b0c1d2e3f4a5b"), ("GroupId", "63be0d3b4e5f4c0e9b1f2a3c4d5e6f70"), ("StageName", "RELEASE"),
        ("Description", "gitops-bridge acme/shop@3f2c1ab"),
    ]

    /// Signs `parameters` with `signer` as `signature` says, lets `tamper` edit the request, and sends it.
    static func deploy(
        _ fake: AliyunFake, _ signature: AliyunFake.SignatureVersion = .acs3, signer: AliyunTestSigner? = nil,
        parameters: [(String, String)] = business, tamper: (inout AliyunTestSigner.Prepared) -> Void = { _ in }
    ) async throws -> LoopbackHTTP.Answer {
        let signer = signer ?? AliyunTestSigner(credentials: fake.credentials)
        let host = "127.0.0.1:\(fake.port ?? 0)"
        var prepared = signature == .acs3 ? signer.acs3(host: host, parameters: parameters) : signer.rpc(parameters: parameters)
        tamper(&prepared)
        return try await LoopbackHTTP.send(
            .POST, "\(fake.endpoint)/?\(prepared.query)", headers: prepared.headers, body: prepared.body.isEmpty ? nil : prepared.body)
    }

    static func code(_ answer: LoopbackHTTP.Answer) -> String? { answer.json?["Code"]?.stringValue }

    // MARK: Accepted requests

    @Test func acceptsAnACS3RequestAndRecordsTheDeployment() async throws {
        try await withAliyunFake { fake in
            let answer = try await Self.deploy(fake)
            #expect(answer.status == 200)
            #expect(answer.headers.first(name: "Content-Type") == "application/json")
            let requestID = try #require(answer.json?["RequestId"]?.stringValue)
            #expect(UUID(uuidString: requestID) != nil && requestID == requestID.uppercased())
            let deployment = try #require(fake.deployments.first)
            #expect(deployment.requestID == requestID)
            #expect(deployment.groupID == "63be0d3b4e5f4c0e9b1f2a3c4d5e6f70" && deployment.apiID == "d6f6a0b1c2d34e5f8a9b0c1d2e3f4a5b")
            #expect(deployment.stageName == "RELEASE" && deployment.description == "gitops-bridge acme/shop@3f2c1ab")
            #expect(deployment.signature == .acs3 && !deployment.sentSecurityToken)
            let request = try #require(fake.requests.first)
            #expect(request.signature == .acs3 && request.responseStatus == 200 && request.errorCode == nil)
            #expect(request.headers["authorization"] == "[REDACTED]")
            #expect(request.parameters["StageName"] == "RELEASE")
        }
    }

    @Test func acceptsAnRPCRequestAndRecordsItWithoutItsSignature() async throws {
        try await withAliyunFake { fake in
            let answer = try await Self.deploy(fake, .rpc)
            #expect(answer.status == 200)
            #expect(fake.deployments.first?.signature == .rpc)
            #expect(fake.requests.first?.signature == .rpc)
            #expect(fake.requests.first?.parameters["Signature"] == "[REDACTED]")
            #expect(fake.requests.first?.parameters["AccessKeyId"] == AliyunFake.defaultCredentials.accessKeyID)
        }
    }

    /// The Tea SDK writes a space in the URL as `+` and signs it as `%20`.
    @Test(arguments: [AliyunFake.SignatureVersion.acs3, .rpc])
    func readsAPlusInTheQueryAsASpace(signature: AliyunFake.SignatureVersion) async throws {
        try await withAliyunFake { fake in
            let answer = try await Self.deploy(fake, signature) { $0.query = $0.query.replacingOccurrences(of: "%20", with: "+") }
            #expect(answer.status == 200)
            #expect(fake.deployments.first?.description == "gitops-bridge acme/shop@3f2c1ab")
        }
    }

    @Test func takesGroupIdAsOptionalAsDocumented() async throws {
        try await withAliyunFake { fake in
            let answer = try await Self.deploy(fake, parameters: Self.business.filter { $0.0 != "GroupId" })
            #expect(answer.status == 200)
            #expect(fake.deployments.first?.groupID == nil)
        }
    }

    // MARK: Signatures refused

    @Test(arguments: [AliyunFake.SignatureVersion.acs3, .rpc])
    func refusesAWrongSecretWithAlibabasError(signature: AliyunFake.SignatureVersion) async throws {
        try await withAliyunFake { fake in
            let wrong = AlibabaCredentials(accessKeyID: fake.credentials.accessKeyID, accessKeySecret: "notTheSecret")
            let answer = try await Self.deploy(fake, signature, signer: AliyunTestSigner(credentials: wrong))
            #expect(answer.status == 400)
            #expect(answer.headers.first(name: "Content-Type") == "application/json")
            let json = try #require(answer.json)
            #expect(json["Code"] == "SignatureDoesNotMatch")
            #expect(json["Message"] == "Specified signature is not matched with our calculation.")
            #expect(json["HostId"]?.stringValue == "127.0.0.1:\(fake.port ?? 0)")
            #expect(json["Recommend"]?.stringValue?.contains("q=SignatureDoesNotMatch") == true)
            #expect(json["RequestId"]?.stringValue == fake.requests.first?.requestID)
            #expect(fake.requests.first?.errorCode == "SignatureDoesNotMatch")
            #expect(fake.deployments.isEmpty)
        }
    }

    @Test(arguments: [AliyunFake.SignatureVersion.acs3, .rpc])
    func refusesAnUnknownAccessKey(signature: AliyunFake.SignatureVersion) async throws {
        try await withAliyunFake { fake in
            let stranger = AlibabaCredentials(accessKeyID: "LTAISTRANGER00000000", accessKeySecret: fake.credentials.accessKeySecret)
            let answer = try await Self.deploy(fake, signature, signer: AliyunTestSigner(credentials: stranger))
            #expect(answer.status == 404)
            #expect(Self.code(answer) == "InvalidAccessKeyId.NotFound")
        }
    }

    @Test(arguments: [AliyunFake.SignatureVersion.acs3, .rpc])
    func refusesAReplayedNonce(signature: AliyunFake.SignatureVersion) async throws {
        try await withAliyunFake { fake in
            let signer = AliyunTestSigner(credentials: fake.credentials, nonce: "3f8b1a2c4d5e6f708192a3b4c5d6e7f8")
            let first = try await Self.deploy(fake, signature, signer: signer)
            let replay = try await Self.deploy(fake, signature, signer: signer)
            #expect(first.status == 200)
            #expect(replay.status == 400)
            #expect(Self.code(replay) == "SignatureNonceUsed")
            #expect(fake.deployments.count == 1)
        }
    }

    @Test(arguments: [AliyunFake.SignatureVersion.acs3, .rpc], [-16 * 60.0, 16 * 60.0])
    func refusesATimestampMoreThanFifteenMinutesOff(signature: AliyunFake.SignatureVersion, offset: TimeInterval) async throws {
        try await withAliyunFake { fake in
            let stale = AliyunTestSigner(credentials: fake.credentials, date: Date().addingTimeInterval(offset))
            let answer = try await Self.deploy(fake, signature, signer: stale)
            #expect(answer.status == 400)
            #expect(Self.code(answer) == "InvalidTimeStamp.Expired")
            let near = AliyunTestSigner(credentials: fake.credentials, date: Date().addingTimeInterval(offset / 2))
            #expect(try await Self.deploy(fake, signature, signer: near).status == 200)
        }
    }

    @Test func refusesARequestWithoutASignature() async throws {
        try await withAliyunFake { fake in
            let answer = try await Self.deploy(fake, .rpc) { prepared in
                prepared.query = prepared.query.split(separator: "&").filter { !$0.hasPrefix("Signature=") }.joined(separator: "&")
            }
            #expect(answer.status == 400)
            #expect(Self.code(answer) == "MissingSignature")
        }
    }

    @Test func refusesAnACS3RequestThatDoesNotSignARequiredHeader() async throws {
        try await withAliyunFake { fake in
            let answer = try await Self.deploy(fake) { prepared in prepared.editAuthorization { $0.replacingOccurrences(of: "x-acs-date;", with: "") }
            }
            #expect(answer.status == 400)
            #expect(Self.code(answer) == "IncompleteSignature")
        }
    }

    @Test func refusesAnAuthorizationWithSpacesAfterItsCommas() async throws {
        try await withAliyunFake { fake in
            let answer = try await Self.deploy(fake) { prepared in prepared.editAuthorization { $0.replacingOccurrences(of: ",", with: ", ") } }
            #expect(Self.code(answer) == "IncompleteSignature")
        }
    }

    @Test func refusesABodyOrAParameterChangedAfterSigning() async throws {
        try await withAliyunFake { fake in
            let body = try await Self.deploy(fake) { $0.body = "ApiId=other" }
            #expect(Self.code(body) == "SignatureDoesNotMatch")
            let stage = try await Self.deploy(fake) { $0.query = $0.query.replacingOccurrences(of: "RELEASE", with: "PRE") }
            #expect(Self.code(stage) == "SignatureDoesNotMatch")
            #expect(fake.deployments.isEmpty)
        }
    }

    // MARK: STS

    @Test(arguments: [AliyunFake.SignatureVersion.acs3, .rpc])
    func requiresTheSecurityTokenOfATemporaryKey(signature: AliyunFake.SignatureVersion) async throws {
        let sts = AlibabaCredentials(
            accessKeyID: "STS.FAKEALIYUNFAKE01", accessKeySecret: AliyunFake.defaultCredentials.accessKeySecret, securityToken: "CAIS.FAKE.TOKEN")
        try await withAliyunFake(AliyunFake(credentials: sts)) { fake in
            let withoutToken = AlibabaCredentials(accessKeyID: sts.accessKeyID, accessKeySecret: sts.accessKeySecret)
            let missing = try await Self.deploy(fake, signature, signer: AliyunTestSigner(credentials: withoutToken))
            #expect(missing.status == 400)
            #expect(Self.code(missing) == "InvalidSecurityToken.Missing")
            var wrongToken = sts
            wrongToken.securityToken = "CAIS.OTHER.TOKEN"
            let mismatch = try await Self.deploy(fake, signature, signer: AliyunTestSigner(credentials: wrongToken))
            #expect(Self.code(mismatch) == "InvalidSecurityToken.MismatchWithAccessKey")
            let answer = try await Self.deploy(fake, signature)
            #expect(answer.status == 200)
            #expect(fake.deployments.first?.sentSecurityToken == true)
            #expect(!"\(fake.requests)".contains("CAIS.FAKE.TOKEN"))
        }
    }

    // MARK: DeployApi's parameters

    @Test(arguments: ["ApiId", "StageName", "Description"])
    func requiresEveryMandatoryParameter(name: String) async throws {
        try await withAliyunFake { fake in
            let answer = try await Self.deploy(fake, parameters: Self.business.filter { $0.0 != name })
            #expect(answer.status == 400)
            #expect(Self.code(answer) == "MissingParameter")
            #expect(
                answer.json?["Message"]?.stringValue
                    == "The input parameter \"\(name)\" that is mandatory for processing this request is not supplied.")
            #expect(fake.deployments.isEmpty)
        }
    }

    @Test func refusesAStageThatIsNotReleasePreOrTest() async throws {
        try await withAliyunFake { fake in
            let answer = try await Self.deploy(fake, parameters: Self.business.map { $0.0 == "StageName" ? ($0.0, "PROD") : $0 })
            #expect(answer.status == 400)
            #expect(Self.code(answer) == "InvalidParameter")
            #expect(answer.json?["Message"]?.stringValue?.contains("StageName") == true)
        }
    }

    @Test func knowsItsAPIsWhenToldWhichExist() async throws {
        let api = AliyunFake.API(groupID: "63be0d3b4e5f4c0e9b1f2a3c4d5e6f70", apiID: "d6f6a0b1c2d34e5f8a9b0c1d2e3f4a5b")
        try await withAliyunFake(AliyunFake(apis: [api])) { fake in
            let group = try await Self.deploy(fake, parameters: Self.business.map { $0.0 == "GroupId" ? ($0.0, "nosuchgroup") : $0 })
            #expect(Self.code(group) == "NotFoundApiGroup")
            let apiAnswer = try await Self.deploy(fake, parameters: Self.business.map { $0.0 == "ApiId" ? ($0.0, "nosuchapi") : $0 })
            #expect(Self.code(apiAnswer) == "NotFoundApi")
            #expect(try await Self.deploy(fake).status == 200)
        }
    }

    @Test func answersOnlyPostToTheRoot() async throws {
        try await withAliyunFake { fake in
            let answer = try await LoopbackHTTP.send(.GET, "\(fake.endpoint)/apis")
            #expect(answer.status == 404)
            #expect(Self.code(answer) == "InvalidAction.NotFound")
        }
    }

    // MARK: Faults

    static let faults: [(AliyunFake.Fault, Int, String)] = [
        (.throttlingUser, 400, "Throttling.User"), (.throttlingAPI, 400, "Throttling.Api"), (.internalError, 500, "InternalError"),
        (.serviceUnavailable, 503, "ServiceUnavailable"),
    ]

    @Test(arguments: faults)
    func answersAnInjectedFaultThenDeploys(fault: AliyunFake.Fault, status: Int, code: String) async throws {
        try await withAliyunFake { fake in
            fake.inject(fault, times: 2)
            let answers = [try await Self.deploy(fake), try await Self.deploy(fake, .rpc), try await Self.deploy(fake)]
            #expect(answers.map(\.status) == [status, status, 200])
            #expect(answers.map(Self.code) == [code, code, nil])
            #expect(fake.requests.map(\.errorCode) == [code, code, nil])
            #expect(fake.deployments.count == 1)
        }
    }

    @Test func throttlesWithTheRetryAfterHeaderWhenGivenOne() async throws {
        try await withAliyunFake { fake in
            fake.inject(.error(status: 400, code: "Throttling.User", message: "Request was denied due to user flow control.", retryAfter: "2"))
            let answer = try await Self.deploy(fake)
            #expect(answer.json?["Message"] == "Request was denied due to user flow control.")
            #expect(answer.headers.first(name: "x-acs-retry-after") == "2")
        }
    }

    @Test func checksTheSignatureBeforeAnsweringAFault() async throws {
        try await withAliyunFake { fake in
            fake.inject(.throttlingUser)
            let wrong = AlibabaCredentials(accessKeyID: fake.credentials.accessKeyID, accessKeySecret: "notTheSecret")
            let forged = try await Self.deploy(fake, signer: AliyunTestSigner(credentials: wrong))
            #expect(Self.code(forged) == "SignatureDoesNotMatch")
            #expect(Self.code(try await Self.deploy(fake)) == "Throttling.User")
        }
    }
}
