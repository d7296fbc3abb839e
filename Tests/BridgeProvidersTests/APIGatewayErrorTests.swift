import AsyncHTTPClient
import BridgeCore
import BridgeTestSupport
import Foundation
import NIOHTTP1
import Testing

@testable import BridgeProviders

/// Reading AWS error answers (JSON, header, moto's XML, HTML) and classifying them for API Gateway and CodeDeploy.
@Suite struct APIGatewayErrorTests {
    static let now = Date(timeIntervalSince1970: 1_763_807_269)

    static func answer(_ status: Int, _ body: String, headers: [(String, String)] = []) -> AWSAnswer {
        AWSAnswer(status: status, headers: HTTPHeaders(headers), body: Array(body.utf8))
    }

    static func error(_ status: Int, _ body: String, headers: [(String, String)] = []) -> AWSError {
        AWSError(answer(status, body, headers: headers), now: now)
    }

    @Test func theHeaderNamesTheCodeWithoutItsNamespace() {
        let error = Self.error(
            404, #"{"message":"Invalid Rest API Id specified"}"#,
            headers: [("x-amzn-ErrorType", "NotFoundException:http://internal.amazon.com/coral/com.amazonaws.backplane.controlplane/")])
        #expect(error.description == "NotFoundException: Invalid Rest API Id specified")
    }

    @Test func theBodyTypeNamesTheCodeAfterItsNamespace() {
        let error = Self.error(400, #"{"__type":"com.amazonaws.codedeploy.v20141006#DeploymentLimitExceededException","message":"busy"}"#)
        #expect(error.code == "DeploymentLimitExceededException")
        #expect(error.description == "DeploymentLimitExceededException: busy")
    }

    @Test func codeAndMessageInEitherCase() {
        #expect(
            Self.error(400, #"{"Code":"BadRequestException","Message":"No integration defined for method"}"#).description
                == "BadRequestException: No integration defined for method")
        #expect(
            Self.error(400, #"{"code":"ConflictException","message":"Concurrent modification"}"#).description
                == "ConflictException: Concurrent modification")
    }

    @Test func motosXMLRefusalIsRead() {
        let body =
            #"<?xml version="1.0" encoding="utf-8"?>"# + "\n"
            + "<ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the request is "
            + "invalid &amp; unknown.</Message><Type>Sender</Type></Error></Errors></ErrorResponse>"
        let error = Self.error(403, body, headers: [("Content-Type", "text/html; charset=utf-8")])
        #expect(error.description == "InvalidClientTokenId: The security token included in the request is invalid & unknown.")
        #expect(APIGatewayDeployer.classify(error) == .permanent(error.description))
    }

    @Test func anHTMLPageGivesTheStatusOnly() {
        let error = Self.error(500, "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>")
        #expect(error.description == "HTTP 500 Internal Server Error")
        #expect(APIGatewayDeployer.classify(error) == .retryable("HTTP 500 Internal Server Error", retryAfter: nil))
    }

    @Test func aPlainTextBodyIsTheMessage() {
        #expect(Self.error(502, "upstream connect error").description == "HTTP 502 Bad Gateway: upstream connect error")
    }

    @Test func longMessagesAreCut() {
        let error = Self.error(400, #"{"__type":"BadRequestException","message":""# + String(repeating: "x", count: 2000) + #""}"#)
        #expect((error.message?.count ?? 0) == AWSError.maxMessageLength + 1)
    }

    @Test func tooManyRequestsIsRetryableAfterRetryAfter() {
        let error = Self.error(
            429, #"{"message":"Too Many Requests"}"#, headers: [("x-amzn-ErrorType", "TooManyRequestsException"), ("Retry-After", "12")])
        #expect(APIGatewayDeployer.classify(error) == .retryable("TooManyRequestsException: Too Many Requests", retryAfter: .seconds(12)))
    }

    @Test func throttlingWithoutRetryAfterWaitsCreateDeploymentsQuotaPeriod() {
        let limit = Self.error(429, #"{"__type":"LimitExceededException","message":"Rate exceeded"}"#)
        #expect(APIGatewayDeployer.classify(limit) == .retryable("LimitExceededException: Rate exceeded", retryAfter: .seconds(5)))
        let bare = Self.error(429, "")
        #expect(APIGatewayDeployer.classify(bare) == .retryable("HTTP 429 Too Many Requests", retryAfter: .seconds(5)))
    }

    @Test func anHTTPDateRetryAfterCountsFromTheAnswersDate() {
        let error = Self.error(
            503, #"{"message":"Service Unavailable"}"#,
            headers: [
                ("x-amzn-ErrorType", "ServiceUnavailableException"), ("Date", "Sat, 22 Nov 2025 10:27:49 GMT"),
                ("Retry-After", "Sat, 22 Nov 2025 10:28:19 GMT"),
            ])
        #expect(APIGatewayDeployer.classify(error) == .retryable("ServiceUnavailableException: Service Unavailable", retryAfter: .seconds(30)))
    }

    @Test func aConflictIsRetriedAfterAtLeastTheQuotaPeriod() {
        // Another deployment or change of the same REST API in progress (providers.md §1: 409, concurrent modification).
        let conflict = Self.error(
            409, #"{"message":"Another deployment is in progress"}"#,
            headers: [("x-amzn-ErrorType", "ConflictException:http://internal.amazon.com/coral/com.amazonaws.backplane.controlplane/")])
        #expect(
            APIGatewayDeployer.classify(conflict) == .retryable("ConflictException: Another deployment is in progress", retryAfter: .seconds(5)))
        let later = Self.error(409, #"{"__type":"ConflictException","message":"Concurrent modification"}"#, headers: [("Retry-After", "20")])
        #expect(APIGatewayDeployer.classify(later) == .retryable("ConflictException: Concurrent modification", retryAfter: .seconds(20)))
    }

    @Test func otherClientErrorsArePermanent() {
        for (status, code) in [(400, "BadRequestException"), (403, "AccessDeniedException"), (404, "NotFoundException")] {
            let error = Self.error(status, #"{"__type":"\#(code)","message":"no"}"#)
            #expect(APIGatewayDeployer.classify(error) == .permanent("\(code): no"))
        }
    }

    @Test func anExpiredSessionTokenIsRetryableForTheRefreshedOne() {
        let error = Self.error(
            403, #"{"message":"The security token included in the request is expired"}"#, headers: [("x-amzn-ErrorType", "ExpiredTokenException")])
        #expect(APIGatewayDeployer.classify(error).isRetryable)
        #expect(CodeDeployDeployer.classify(error).isRetryable)
    }

    @Test func codeDeployClassification() {
        let busy = Self.error(400, #"{"__type":"DeploymentLimitExceededException","message":"busy"}"#)
        #expect(CodeDeployDeployer.classify(busy) == .retryable("DeploymentLimitExceededException: busy", retryAfter: .seconds(30)))
        let throttled = Self.error(400, #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#)
        #expect(CodeDeployDeployer.classify(throttled) == .retryable("ThrottlingException: Rate exceeded", retryAfter: nil))
        // Only API Gateway means throttling by LimitExceededException.
        let limit = Self.error(400, #"{"__type":"AlarmsLimitExceededException","message":"too many alarms"}"#)
        #expect(CodeDeployDeployer.classify(limit) == .permanent("AlarmsLimitExceededException: too many alarms"))
        #expect(CodeDeployDeployer.classify(Self.error(503, "")) == .retryable("HTTP 503 Service Unavailable", retryAfter: nil))
    }

    @Test func secretsEchoedInAnAnswerAreRedacted() {
        let error = Self.error(400, #"{"__type":"BadRequestException","message":"bad key s3cr3t/KEY and token TOKEN123"}"#)
        #expect(error.redacting(["s3cr3t/KEY", "TOKEN123", ""]).description == "BadRequestException: bad key [REDACTED] and token [REDACTED]")
    }

    @Test func anUnreachableEndpointIsRetryable() async throws {
        let deployer = APIGatewayDeployer(
            credentials: StaticAWSCredentialsProvider(CodeDeployFake.defaultCredentials), httpClient: .forTests, timeout: .milliseconds(500))
        let closed = try ClosedPort()
        let request = AWSTests.request("aws-apigateway", ["region": "eu-west-2", "rest_api_id": "a1b2c3d4e5", "endpoint": .string(closed.url)])
        let error = await AWSTests.failure(secrets: [CodeDeployFake.defaultCredentials.secretAccessKey]) { try await deployer.start(request) }
        #expect(error?.isRetryable == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("apigateway CreateDeployment request to \(closed.url)") == true)
    }

    @Test func invalidParametersFailPermanentlyBeforeAnyCall() async throws {
        let deployer = APIGatewayDeployer(credentials: StaticAWSCredentialsProvider(CodeDeployFake.defaultCredentials), httpClient: .forTests)
        let error = await AWSTests.failure { try await deployer.start(AWSTests.request("aws-apigateway", ["rest_api_id": "a1b2c3d4e5"])) }
        #expect(error == .permanent("invalid aws-apigateway parameters: missing required key region"))
    }

    @Test func pollAndCancelHaveNothingToDo() async throws {
        let deployer = APIGatewayDeployer(credentials: StaticAWSCredentialsProvider(CodeDeployFake.defaultCredentials), httpClient: .forTests)
        let request = AWSTests.request("aws-apigateway", ["region": "eu-west-2", "rest_api_id": "a1b2c3d4e5"])
        #expect(try await deployer.poll(externalID: "abc123", request: request) == DeploymentProgress(status: .succeeded))
        try await deployer.cancel(externalID: "abc123", request: request)
        #expect(deployer.provider == "aws-apigateway")
        #expect(
            CodeDeployDeployer(credentials: StaticAWSCredentialsProvider(CodeDeployFake.defaultCredentials), httpClient: .forTests).provider
                == "aws-codedeploy")
    }
}
