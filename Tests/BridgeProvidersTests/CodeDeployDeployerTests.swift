import AsyncHTTPClient
import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// `CodeDeployDeployer` against the CodeDeploy fake: the statuses, stops and errors moto cannot produce.
@Suite struct CodeDeployDeployerTests {
    static func deployer(_ credentials: AWSCredentials = CodeDeployFake.defaultCredentials, timeout: Duration = .seconds(5)) -> CodeDeployDeployer {
        CodeDeployDeployer(credentials: StaticAWSCredentialsProvider(credentials), httpClient: .forTests, timeout: timeout)
    }

    static func request(_ fake: CodeDeployFake, _ extra: [String: ConfigValue] = [:]) -> DeploymentRequest {
        var parameters: [String: ConfigValue] = [
            "region": "eu-west-2", "application": "shop", "deployment_group": "staging", "endpoint": .string(fake.endpoint),
            "revision": ["s3": ["bucket": "shop-builds", "key": "shop/3f2c1ab.zip", "bundle_type": "zip"]],
        ]
        parameters.merge(extra) { $1 }
        return AWSTests.request("aws-codedeploy", parameters)
    }

    static func overview(pending: Int = 0, inProgress: Int = 0, succeeded: Int = 0, failed: Int = 0) -> [String: Int] {
        ["Pending": pending, "InProgress": inProgress, "Succeeded": succeeded, "Failed": failed, "Skipped": 0, "Ready": 0]
    }

    /// Polls until a terminal status (at most 20 times); every progress seen.
    static func pollToEnd(_ deployer: CodeDeployDeployer, id: String, request: DeploymentRequest) async throws -> [DeploymentProgress] {
        var seen: [DeploymentProgress] = []
        for _ in 0..<20 {
            let progress = try await deployer.poll(externalID: id, request: request)
            seen.append(progress)
            if progress.status.isTerminal { return seen }
        }
        throw TestFailure("the deployment did not end")
    }

    @Test func pollsThroughInProgressToSucceededLoggingCountsWhenTheyChange() async throws {
        try await withCodeDeployFake { fake in
            fake.script([
                .init("Created"), .init("InProgress", overview: Self.overview(pending: 2)),
                .init("InProgress", overview: Self.overview(pending: 2)),
                .init("InProgress", overview: Self.overview(pending: 1, inProgress: 1)),
                .init("Baking", overview: Self.overview(succeeded: 2)), .init("Succeeded", overview: Self.overview(succeeded: 2)),
            ])
            let deployer = Self.deployer()
            let request = Self.request(fake)
            let start = try await deployer.start(request)
            let id = try #require(start.externalID)
            #expect(id.hasPrefix("d-"))
            #expect(start.status == .inProgress)
            let seen = try await Self.pollToEnd(deployer, id: id, request: request)
            #expect(seen.map(\.status) == [.inProgress, .inProgress, .inProgress, .inProgress, .inProgress, .succeeded])
            #expect(
                seen.map(\.log) == [
                    "deployment \(id) Created\n",
                    "deployment \(id) InProgress: Pending 2, InProgress 0, Succeeded 0, Failed 0, Skipped 0, Ready 0\n", "",
                    "deployment \(id) InProgress: Pending 1, InProgress 1, Succeeded 0, Failed 0, Skipped 0, Ready 0\n",
                    "deployment \(id) Baking: Pending 0, InProgress 0, Succeeded 2, Failed 0, Skipped 0, Ready 0\n",
                    "deployment \(id) Succeeded: Pending 0, InProgress 0, Succeeded 2, Failed 0, Skipped 0, Ready 0\n",
                ])
            #expect(fake.requests.map(\.operation) == ["CreateDeployment"] + Array(repeating: "GetDeployment", count: 6))
        }
    }

    @Test func sendsCodeDeploysJSON11Request() async throws {
        try await withCodeDeployFake { fake in
            _ = try await Self.deployer().start(Self.request(fake, ["description": "acme/shop@3f2c1ab"]))
            let sent = try #require(fake.requests.first)
            #expect(sent.headers["content-type"] == "application/x-amz-json-1.1")
            #expect(sent.headers["x-amz-target"] == "CodeDeploy_20141006.CreateDeployment")
            #expect(sent.headers["authorization"] == "[REDACTED]")
            #expect(sent.headers["user-agent"] == "gitops-bridge")
            #expect(
                sent.body == [
                    "applicationName": "shop", "deploymentGroupName": "staging", "description": "acme/shop@3f2c1ab",
                    "revision": ["revisionType": "S3", "s3Location": ["bucket": "shop-builds", "key": "shop/3f2c1ab.zip", "bundleType": "zip"]],
                ])
        }
    }

    @Test func aGitHubRevisionDeploysThePushedCommitByDefault() async throws {
        try await withCodeDeployFake { fake in
            _ = try await Self.deployer().start(Self.request(fake, ["revision": ["github": ["repository": "acme/shop"]]]))
            let deployment = try #require(fake.deployments.first)
            #expect(
                deployment.request["revision"]
                    == ["revisionType": "GitHub", "gitHubLocation": ["repository": "acme/shop", "commitId": .string(AWSTests.sha)]])
        }
    }

    @Test func failedEndsTheStepWithCodeDeploysErrorInformation() async throws {
        try await withCodeDeployFake { fake in
            fake.script([
                .init("InProgress"),
                .init(
                    "Failed", overview: Self.overview(succeeded: 1, failed: 1), errorCode: "HEALTH_CONSTRAINTS",
                    errorMessage: "The overall deployment failed because too many individual instances failed deployment",
                    rollbackMessage: "Rolled back: the deployment failed"),
            ])
            let deployer = Self.deployer()
            let request = Self.request(fake)
            let id = try #require(try await deployer.start(request).externalID)
            let last = try #require(try await Self.pollToEnd(deployer, id: id, request: request).last)
            #expect(
                last.status
                    == .failed(
                        reason: "HEALTH_CONSTRAINTS: The overall deployment failed because too many individual instances failed deployment"))
            #expect(last.log.hasSuffix("rolled back by d-ROLLBACK1: Rolled back: the deployment failed\n"))
        }
    }

    @Test func stoppedIsCanceled() async throws {
        try await withCodeDeployFake { fake in
            fake.script([.init("Stopped", errorCode: "MANUAL_STOP", errorMessage: "Stopped from the console")])
            let deployer = Self.deployer()
            let request = Self.request(fake)
            let id = try #require(try await deployer.start(request).externalID)
            let progress = try await deployer.poll(externalID: id, request: request)
            #expect(progress.status == .canceled(reason: "MANUAL_STOP: Stopped from the console"))
        }
    }

    @Test func cancelCallsStopDeploymentWithTheTargetsRollbackSetting() async throws {
        try await withCodeDeployFake { fake in
            fake.script([.init("InProgress")])
            let deployer = Self.deployer()
            let request = Self.request(fake, ["auto_rollback": ["enabled": true, "events": ["DEPLOYMENT_STOP_ON_REQUEST"]]])
            let id = try #require(try await deployer.start(request).externalID)
            #expect(try await deployer.poll(externalID: id, request: request).status == .inProgress)
            try await deployer.cancel(externalID: id, request: request)
            #expect(fake.deployment(id: id)?.stopRequests == [true])
            #expect(fake.requests.last?.body == ["deploymentId": .string(id), "autoRollbackEnabled": true])
            let progress = try await deployer.poll(externalID: id, request: request)
            #expect(progress.status == .canceled(reason: "MANUAL_STOP: The deployment was stopped by a user."))
        }
    }

    @Test func cancelWithoutRollbackSettingSendsOnlyTheID() async throws {
        try await withCodeDeployFake { fake in
            fake.script([.init("InProgress")])
            let request = Self.request(fake)
            let id = try #require(try await Self.deployer().start(request).externalID)
            try await Self.deployer().cancel(externalID: id, request: request)
            #expect(fake.requests.last?.body == ["deploymentId": .string(id)])
        }
    }

    @Test func cancellingAFinishedDeploymentIsNotAnError() async throws {
        try await withCodeDeployFake { fake in
            fake.script([.init("Succeeded")])
            let deployer = Self.deployer()
            let request = Self.request(fake)
            let id = try #require(try await deployer.start(request).externalID)
            #expect(try await deployer.poll(externalID: id, request: request).status == .succeeded)
            try await deployer.cancel(externalID: id, request: request)
            #expect(fake.requests.last?.errorCode == "DeploymentAlreadyCompletedException")
        }
    }

    @Test func throttlingIsRetryable() async throws {
        try await withCodeDeployFake { fake in
            fake.inject(.throttling)
            let error = await AWSTests.failure { try await Self.deployer().start(Self.request(fake)) }
            #expect(error == .retryable("ThrottlingException: Rate exceeded", retryAfter: nil))
            #expect(fake.deployments.isEmpty)
        }
    }

    @Test func throttlingHonoursRetryAfter() async throws {
        try await withCodeDeployFake { fake in
            fake.inject(.error(status: 400, code: "ThrottlingException", message: "Rate exceeded", retryAfter: "3"))
            let error = await AWSTests.failure { try await Self.deployer().start(Self.request(fake)) }
            #expect(error == .retryable("ThrottlingException: Rate exceeded", retryAfter: .seconds(3)))
        }
    }

    @Test func aBusyDeploymentGroupIsRetryableAfterAWait() async throws {
        try await withCodeDeployFake { fake in
            fake.inject(.deploymentLimitExceeded)
            let error = await AWSTests.failure { try await Self.deployer().start(Self.request(fake)) }
            #expect(
                error
                    == .retryable(
                        "DeploymentLimitExceededException: The deployment d-BUSY00000 is already in progress for the deployment group staging.",
                        retryAfter: .seconds(30)))
        }
    }

    @Test func serverFaultsAreRetryableWhilePollingToo() async throws {
        try await withCodeDeployFake { fake in
            let deployer = Self.deployer()
            let request = Self.request(fake)
            let id = try #require(try await deployer.start(request).externalID)
            fake.inject(.internalFailure)
            let error = await AWSTests.failure { try await deployer.poll(externalID: id, request: request) }
            #expect(error == .retryable("InternalFailure: The request processing has failed because of an unknown error.", retryAfter: nil))
            #expect(try await deployer.poll(externalID: id, request: request).status == .inProgress)
        }
    }

    @Test func otherErrorsArePermanentWithCodeAndMessage() async throws {
        try await withCodeDeployFake(CodeDeployFake(applications: ["shop": ["production"]])) { fake in
            let error = await AWSTests.failure { try await Self.deployer().start(Self.request(fake)) }
            #expect(error == .permanent("DeploymentGroupDoesNotExistException: The deployment group staging does not exist."))
        }
    }

    @Test func aWrongSecretIsRefusedByTheFakeAndFailsPermanently() async throws {
        try await withCodeDeployFake { fake in
            let wrong = AWSTests.wrongSecret(fake.credentials)
            let error = await AWSTests.failure(secrets: [wrong.secretAccessKey, fake.credentials.secretAccessKey]) {
                try await Self.deployer(wrong).start(Self.request(fake))
            }
            #expect(
                error
                    == .permanent(
                        "InvalidSignatureException: The request signature we calculated does not match the signature you provided. "
                            + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."))
            #expect(fake.requests.map(\.errorCode) == ["InvalidSignatureException"])
            #expect(fake.deployments.isEmpty)
        }
    }

    @Test func aWrongRegionIsRefused() async throws {
        try await withCodeDeployFake { fake in
            let error = await AWSTests.failure { try await Self.deployer().start(Self.request(fake, ["region": "us-east-1"])) }
            #expect(error?.description.hasPrefix("InvalidSignatureException: Credential should be scoped to") == true)
        }
    }

    @Test func temporaryCredentialsSendTheSignedSessionToken() async throws {
        let credentials = AWSCredentials(
            accessKeyID: "ASIAFAKECODEDEPLOY01", secretAccessKey: "temporary/Secret/Key/0000000000000000000000",
            sessionToken: "IQoJb3JpZ2luX2VjEFAKE/session+token==")
        try await withCodeDeployFake(CodeDeployFake(credentials: credentials)) { fake in
            let start = try await Self.deployer(credentials).start(Self.request(fake))
            #expect(start.externalID != nil)
            #expect(fake.requests.first?.headers["x-amz-security-token"] == "[REDACTED]")
            let tokenless = AWSCredentials(accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey)
            let error = await AWSTests.failure(secrets: [credentials.secretAccessKey]) {
                try await Self.deployer(tokenless).start(Self.request(fake))
            }
            #expect(error == .permanent("UnrecognizedClientException: The security token included in the request is invalid."))
        }
    }

    @Test func anUnreachableEndpointIsRetryable() async throws {
        let closed = try ClosedPort()
        let request = AWSTests.request(
            "aws-codedeploy", ["region": "eu-west-2", "application": "shop", "deployment_group": "staging", "endpoint": .string(closed.url)])
        let error = await AWSTests.failure(secrets: [CodeDeployFake.defaultCredentials.secretAccessKey]) {
            try await Self.deployer(timeout: .milliseconds(500)).start(request)
        }
        #expect(error?.isRetryable == true)
        #expect(error?.description.hasPrefix("codedeploy CreateDeployment request to \(closed.url)") == true)
    }

    @Test func invalidParametersFailPermanentlyListingEveryProblem() async throws {
        let request = AWSTests.request(
            "aws-codedeploy", ["region": "eu-west-2", "application": "shop", "file_exists_behavior": "KEEP", "revison": ["s3": [:]]])
        let error = await AWSTests.failure { try await Self.deployer().start(request) }
        #expect(
            error
                == .permanent(
                    "invalid aws-codedeploy parameters: missing required key deployment_group; file_exists_behavior must be one of "
                        + "DISALLOW, OVERWRITE, RETAIN, found \"KEEP\"; unknown key revison (did you mean revision?)"))
    }
}
