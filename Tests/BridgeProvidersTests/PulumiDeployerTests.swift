import AsyncHTTPClient
import BridgeCore
import BridgeProviders
import BridgeTestSupport
import Foundation
import Testing

/// `PulumiDeployer` against `PulumiFake`, which stands in for Pulumi Cloud's Deployments REST API (providers.md §6):
/// auth, body shape, status progression, logs paging and cancel.
@Suite struct PulumiDeployerTests {
    static let sha = "9f3c2a1b8d4e5f60718293a4b5c6d7e8f90a1b2c"

    static func request(_ fake: PulumiFake, _ extra: [String: ConfigValue] = [:]) -> DeploymentRequest {
        var parameters: [String: ConfigValue] = [
            "organization": "acme", "project": "shop", "stack": "dev", "token": "env:PULUMI_ACCESS_TOKEN",
            "api_url": .string(fake.baseURL),
        ]
        parameters.merge(extra) { $1 }
        return DeploymentRequest(
            runID: 1, stepID: 2, target: "stack", provider: "pulumi", parameters: .object(parameters), environment: "production",
            event: PushEvent(forge: .gitlab, repository: "acme/shop", refKind: .tag, refName: "v2.0.0", sha: sha), attempt: 1)
    }

    static func deployer(token: String = PulumiFake.defaultToken) -> PulumiDeployer {
        PulumiDeployer(
            resolver: TestSecrets(values: ["PULUMI_ACCESS_TOKEN": token, "GIT_TOKEN": "ghp_fakeGitToken0000", "DB_PASSWORD": "fake-db-password"]),
            httpClient: .forTests, timeout: .seconds(10))
    }

    /// Polls until the deployment ends (the fake moves one status per read).
    static func finish(_ deployer: PulumiDeployer, _ id: String, _ request: DeploymentRequest) async throws -> (DeploymentStatus, String) {
        var log = ""
        for _ in 0..<20 {
            let progress = try await deployer.poll(externalID: id, request: request)
            log += progress.log
            if progress.status.isTerminal { return (progress.status, log) }
        }
        throw TestFailure("deployment \(id) did not end")
    }

    static func failure<T>(_ body: () async throws(ProviderError) -> T) async -> ProviderError? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error
        }
    }

    @Test func runsTheDeploymentToSuccessAndCopiesEveryLogPage() async throws {
        try await withPulumiFake { fake in
            let request = Self.request(
                fake,
                [
                    "operation": "update",
                    "source": ["repo_url": "https://gitlab.example.com/acme/shop.git", "git_auth": ["access_token": "env:GIT_TOKEN"]],
                    "operation_context": [
                        "secret_environment_variables": ["DB_PASSWORD": "env:DB_PASSWORD"], "environment_variables": ["STAGE": "prod"],
                    ],
                ])
            let deployer = Self.deployer()
            let start = try await deployer.start(request)
            let id = try #require(start.externalID)
            #expect(start.status == .inProgress)
            #expect(start.log.hasPrefix("deployment \(id) (version 1) created: https://app.pulumi.com/acme/shop/dev/deployments/1"))

            let deployment = try #require(fake.deployment(id: id))
            #expect(deployment.operation == "update")
            #expect(deployment.request["sourceContext"]?["git"]?["commit"] == .string(Self.sha))
            #expect(deployment.request["sourceContext"]?["git"]?["repoURL"] == "https://gitlab.example.com/acme/shop.git")
            let secrets = fake.receivedSecrets(deploymentID: id)
            // Secrets arrive resolved and marked {"secret": …}; plain variables as plain strings.
            #expect(secrets.values.filter(\.markedSecret).map(\.value).sorted() == ["fake-db-password", "ghp_fakeGitToken0000"])
            #expect(secrets.values.filter { !$0.markedSecret }.map(\.value) == ["prod"])

            let (status, log) = try await Self.finish(deployer, id, request)
            #expect(status == .succeeded)
            #expect(
                log == """
                    == Get source ==
                    Cloning into '/deployments/source'...
                    == Pulumi operation ==
                    Updating (dev)
                    Resources: 3 unchanged
                    deployment \(id) succeeded

                    """)
            let logReads = fake.requests.filter { $0.path.hasSuffix("/logs") }
            #expect(logReads.count == 3)
            #expect(logReads.map { $0.query != nil } == [false, true, true])
        }
    }

    @Test(arguments: [PulumiFake.Status.failed, .skipped])
    func aFailedOrSkippedDeploymentEndsTheStep(outcome: PulumiFake.Status) async throws {
        try await withPulumiFake { fake in
            fake.script(outcome: outcome)
            let deployer = Self.deployer()
            let request = Self.request(fake)
            let id = try #require(try await deployer.start(request).externalID)
            let (status, log) = try await Self.finish(deployer, id, request)
            if outcome == .failed {
                #expect(status == .failed(reason: "Pulumi deployment \(id) failed"))
            } else {
                #expect(status == .canceled(reason: "Pulumi skipped deployment \(id) (a newer one was queued)"))
            }
            #expect(log.hasSuffix("deployment \(id) \(outcome.rawValue)\n"))
        }
    }

    @Test func cancelCallsTheCancelEndpointAndAFinishedDeploymentIsNoError() async throws {
        try await withPulumiFake { fake in
            let deployer = Self.deployer()
            let request = Self.request(fake)
            let id = try #require(try await deployer.start(request).externalID)
            _ = try await deployer.poll(externalID: id, request: request)
            try await deployer.cancel(externalID: id, request: request)
            #expect(fake.deployment(id: id)?.canceled == true)
            #expect(fake.requests.last?.path == "/api/stacks/acme/shop/dev/deployments/\(id)/cancel")
            // Canceling again: Pulumi says it has already completed (409), which is what was wanted.
            try await deployer.cancel(externalID: id, request: request)
        }
    }

    @Test func rateLimitsAndServerErrorsAreRetryable() async throws {
        try await withPulumiFake { fake in
            fake.inject(.tooManyRequests(retryAfter: "7"))
            let deployer = Self.deployer()
            let error = await Self.failure { () async throws(ProviderError) in try await deployer.start(Self.request(fake)) }
            guard case .retryable(let message, let retryAfter)? = error else {
                Issue.record("expected a retryable error, got \(String(describing: error))")
                return
            }
            #expect(message.hasPrefix("pulumi create deployment answered 429"))
            #expect(retryAfter == .seconds(7))
            fake.inject(.serviceUnavailable)
            let unavailable = await Self.failure { () async throws(ProviderError) in try await deployer.start(Self.request(fake)) }
            #expect(unavailable?.isRetryable == true)
            let start = try await deployer.start(Self.request(fake))
            #expect(start.externalID != nil)
        }
    }

    @Test func aWrongTokenOrUnknownStackIsPermanentWithPulumisMessage() async throws {
        try await withPulumiFake { fake in
            let wrong = "pul-wrongtoken000000000000000000000000000"
            let unauthorized = await Self.failure { () async throws(ProviderError) in
                try await Self.deployer(token: wrong).start(Self.request(fake))
            }
            #expect(unauthorized == .permanent("pulumi create deployment answered 401: Unauthorized: No credentials provided or are invalid."))
            let missing = await Self.failure { () async throws(ProviderError) in
                try await Self.deployer().start(Self.request(fake, ["stack": "nope"]))
            }
            #expect(missing == .permanent("pulumi create deployment answered 404: Not Found: stack not found"))
            #expect(fake.deployments.isEmpty)
        }
    }

    @Test func theExecutorImagesUsernameIsAPlainStringAndItsPasswordASecret() async throws {
        try await withPulumiFake { fake in
            let request = Self.request(
                fake,
                [
                    "executor_context": [
                        "executor_image": [
                            "reference": "registry.example.com/pulumi:3.200.0",
                            "credentials": ["username": "env:REGISTRY_USER", "password": "env:REGISTRY_PASSWORD"],
                        ]
                    ]
                ])
            let deployer = PulumiDeployer(
                resolver: TestSecrets(values: [
                    "PULUMI_ACCESS_TOKEN": PulumiFake.defaultToken, "REGISTRY_USER": "deployer", "REGISTRY_PASSWORD": "fake-registry-password",
                ]),
                httpClient: .forTests, timeout: .seconds(10))
            // Pulumi refuses {"secret": …} where its API takes a string (the fake answers 400, as Pulumi does).
            let id = try #require(try await deployer.start(request).externalID)
            let deployment = try #require(fake.deployment(id: id))
            #expect(deployment.request["executorContext"]?["executorImage"]?["credentials"]?["username"] == "deployer")
            let password = fake.receivedSecrets(deploymentID: id)["executorContext.executorImage.credentials.password"]
            #expect(password?.markedSecret == true && password?.value == "fake-registry-password")
        }
    }
}
