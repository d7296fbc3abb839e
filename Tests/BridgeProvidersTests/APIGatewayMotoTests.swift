import AsyncHTTPClient
import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

extension AWSMotoTests {
    /// `APIGatewayDeployer` against moto's server with signature checking on (providers.md §4).
    @Suite struct APIGatewayMotoTests {
        static func deployer(_ credentials: AWSCredentials) -> APIGatewayDeployer {
            APIGatewayDeployer(credentials: StaticAWSCredentialsProvider(credentials), httpClient: .forTests, timeout: .seconds(10))
        }

        static func parameters(_ moto: MotoServer, restAPIID: String, _ extra: [String: ConfigValue] = [:]) -> [String: ConfigValue] {
            var parameters: [String: ConfigValue] = [
                "region": "eu-west-2", "rest_api_id": .string(restAPIID), "endpoint": .string(moto.endpoint),
            ]
            parameters.merge(extra) { $1 }
            return parameters
        }

        @Test func deploysAndTheStageServesTheNewDeploymentWithTheRulesVariables() async throws {
            let moto = try SharedMoto.server()
            let api = MotoAPI(moto)
            let restAPIID = try await api.restAPIReadyToDeploy()
            let parameters = Self.parameters(
                moto, restAPIID: restAPIID,
                [
                    "stage": "staging", "description": "acme/shop@3f2c1ab",
                    "variables": .object(["build": "3f2c1ab", "lambdaAlias": "live"]),
                ])
            let start = try await Self.deployer(moto.credentials).start(AWSTests.request("aws-apigateway", parameters))
            let id = try #require(start.externalID)
            #expect(start.status == .succeeded)
            #expect(start.log == "deployment \(id) of REST API \(restAPIID) created on stage staging\n")

            let stage = try await api.rest("GET", "/restapis/\(restAPIID)/stages/staging")
            #expect(stage["deploymentId"] == .string(id))
            #expect(stage["variables"] == .object(["build": "3f2c1ab", "lambdaAlias": "live"]))
            let deployment = try await api.rest("GET", "/restapis/\(restAPIID)/deployments/\(id)")
            #expect(deployment["description"] == "acme/shop@3f2c1ab")
        }

        @Test func aSecondDeploymentMovesTheStage() async throws {
            let moto = try SharedMoto.server()
            let api = MotoAPI(moto)
            let restAPIID = try await api.restAPIReadyToDeploy()
            let deployer = Self.deployer(moto.credentials)
            let request = AWSTests.request("aws-apigateway", Self.parameters(moto, restAPIID: restAPIID, ["stage": "prod"]))
            let first = try await deployer.start(request)
            let second = try await deployer.start(request)
            #expect(first.externalID != second.externalID)
            let stage = try await api.rest("GET", "/restapis/\(restAPIID)/stages/prod")
            #expect(stage["deploymentId"] == second.externalID.map(ConfigValue.string))
            let progress = try await deployer.poll(externalID: try #require(second.externalID), request: request)
            #expect(progress.status == .succeeded)
        }

        @Test func signingTheContentHashIsAcceptedToo() async throws {
            let moto = try SharedMoto.server()
            let restAPIID = try await MotoAPI(moto).restAPIReadyToDeploy()
            let parameters = Self.parameters(moto, restAPIID: restAPIID, ["stage": "prod", "sign_content_sha256": true])
            let start = try await Self.deployer(moto.credentials).start(AWSTests.request("aws-apigateway", parameters))
            #expect(start.status == .succeeded)
        }

        @Test func aWrongSecretIsRefusedAndTheStepFailsPermanentlyWithAWSsMessage() async throws {
            let moto = try SharedMoto.server()
            let restAPIID = try await MotoAPI(moto).restAPIReadyToDeploy()
            let wrong = AWSTests.wrongSecret(moto.credentials)
            let request = AWSTests.request("aws-apigateway", Self.parameters(moto, restAPIID: restAPIID, ["stage": "prod"]))
            let error = await AWSTests.failure(secrets: [wrong.secretAccessKey, moto.credentials.secretAccessKey]) {
                try await Self.deployer(wrong).start(request)
            }
            #expect(
                error
                    == .permanent(
                        "SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. "
                            + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."))
        }

        @Test func anUnknownAccessKeyIsRefusedPermanently() async throws {
            let moto = try SharedMoto.server()
            let restAPIID = try await MotoAPI(moto).restAPIReadyToDeploy()
            let stranger = AWSCredentials(accessKeyID: "AKIAUNKNOWNKEY000000", secretAccessKey: moto.credentials.secretAccessKey)
            let request = AWSTests.request("aws-apigateway", Self.parameters(moto, restAPIID: restAPIID))
            let error = await AWSTests.failure(secrets: [stranger.secretAccessKey]) { try await Self.deployer(stranger).start(request) }
            #expect(error?.isRetryable == false)
            #expect(error?.description.hasPrefix("InvalidClientTokenId: ") == true)
        }

        @Test func anUnknownRestAPIFailsPermanentlyWithAWSsCodeAndMessage() async throws {
            let moto = try SharedMoto.server()
            let request = AWSTests.request("aws-apigateway", Self.parameters(moto, restAPIID: "nosuchapi1", ["stage": "prod"]))
            let error = await AWSTests.failure { try await Self.deployer(moto.credentials).start(request) }
            #expect(error == .permanent("NotFoundException: Invalid Rest API Id specified"))
        }

        @Test func anAPIWithoutIntegrationFailsPermanently() async throws {
            let moto = try SharedMoto.server()
            let api = MotoAPI(moto)
            let restAPIID = try #require(try await api.rest("POST", "/restapis", .object(["name": "empty"]))["id"]?.stringValue)
            let request = AWSTests.request("aws-apigateway", Self.parameters(moto, restAPIID: restAPIID, ["stage": "prod"]))
            let error = await AWSTests.failure { try await Self.deployer(moto.credentials).start(request) }
            #expect(error == .permanent("BadRequestException: The REST API doesn't contain any methods"))
        }
    }
}
