import AsyncHTTPClient
import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

extension AWSMotoTests {
    /// `CodeDeployDeployer` against moto's server with signature checking on. moto creates deployments and reads them
    /// back but never moves them past `Created` and has no `StopDeployment`: the rest is `CodeDeployFakeTests`' job.
    @Suite struct CodeDeployMotoTests {
        static func deployer(_ credentials: AWSCredentials) -> CodeDeployDeployer {
            CodeDeployDeployer(credentials: StaticAWSCredentialsProvider(credentials), httpClient: .forTests, timeout: .seconds(10))
        }

        static func parameters(_ moto: MotoServer, application: String, _ extra: [String: ConfigValue] = [:]) -> [String: ConfigValue] {
            var parameters: [String: ConfigValue] = [
                "region": "eu-west-2", "application": .string(application), "deployment_group": "staging", "endpoint": .string(moto.endpoint),
                "revision": ["s3": ["bucket": "shop-builds", "key": "shop/3f2c1ab.zip", "bundle_type": "zip"]],
            ]
            parameters.merge(extra) { $1 }
            return parameters
        }

        @Test func createsADeploymentThatCodeDeployKnows() async throws {
            let moto = try SharedMoto.server()
            let api = MotoAPI(moto)
            let application = try await api.applicationReadyToDeploy()
            let parameters = Self.parameters(
                moto, application: application,
                [
                    "description": "acme/shop@3f2c1ab", "file_exists_behavior": "OVERWRITE",
                    "auto_rollback": ["enabled": true, "events": ["DEPLOYMENT_FAILURE"]],
                ])
            let request = AWSTests.request("aws-codedeploy", parameters)
            let deployer = Self.deployer(moto.credentials)
            let start = try await deployer.start(request)
            let id = try #require(start.externalID)
            #expect(start.status == .inProgress)
            #expect(start.log == "deployment \(id) created in \(application)/staging\n")

            let info = try await api.codeDeploy("GetDeployment", ["deploymentId": .string(id)])["deploymentInfo"]
            #expect(info?["applicationName"] == .string(application))
            #expect(info?["deploymentGroupName"] == "staging")
            #expect(info?["description"] == "acme/shop@3f2c1ab")
            #expect(
                info?["revision"]
                    == ["revisionType": "S3", "s3Location": ["bucket": "shop-builds", "key": "shop/3f2c1ab.zip", "bundleType": "zip"]])

            // moto keeps every deployment at Created, which is in progress.
            let progress = try await deployer.poll(externalID: id, request: request)
            #expect(progress.status == .inProgress)
            #expect(progress.log == "deployment \(id) Created: Pending 0, InProgress 0, Succeeded 0, Failed 0, Skipped 0, Ready 0\n")
        }

        @Test func aWrongSecretIsRefusedAndTheStepFailsPermanentlyWithAWSsMessage() async throws {
            let moto = try SharedMoto.server()
            let application = try await MotoAPI(moto).applicationReadyToDeploy()
            let wrong = AWSTests.wrongSecret(moto.credentials)
            let error = await AWSTests.failure(secrets: [wrong.secretAccessKey, moto.credentials.secretAccessKey]) {
                try await Self.deployer(wrong).start(AWSTests.request("aws-codedeploy", Self.parameters(moto, application: application)))
            }
            #expect(error?.isRetryable == false)
            #expect(error?.description.hasPrefix("SignatureDoesNotMatch: The request signature we calculated does not match") == true)
        }

        @Test func anUnknownApplicationFailsPermanentlyWithAWSsCodeAndMessage() async throws {
            let moto = try SharedMoto.server()
            let error = await AWSTests.failure {
                try await Self.deployer(moto.credentials).start(AWSTests.request("aws-codedeploy", Self.parameters(moto, application: "shop")))
            }
            #expect(error == .permanent("ApplicationDoesNotExistException: The application shop does not exist with the user or AWS account."))
        }

        @Test func pollingAnUnknownDeploymentFailsPermanently() async throws {
            let moto = try SharedMoto.server()
            let error = await AWSTests.failure {
                try await Self.deployer(moto.credentials).poll(
                    externalID: "d-NOSUCH000", request: AWSTests.request("aws-codedeploy", Self.parameters(moto, application: "shop")))
            }
            #expect(error?.isRetryable == false)
            #expect(error?.description.hasPrefix("DeploymentDoesNotExistException: ") == true)
        }
    }
}
