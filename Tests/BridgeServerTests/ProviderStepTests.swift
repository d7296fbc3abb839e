import BridgeCore
import BridgeProviders
import BridgeServer
import BridgeStore
import BridgeTestSupport
import Foundation
import Synchronization
import Testing

/// Stands in for API Gateway's provider: each deployment takes a while, and the most deployments of one REST API seen
/// at once is recorded (API Gateway answers a second one with `ConflictException`).
final class SlowAPIGateway: Deployer, Sendable {
    private let state = Mutex<(active: [String: Int], most: [String: Int], targets: [String])>(([:], [:], []))

    func most(_ restAPI: String) -> Int { state.withLock { $0.most[restAPI] ?? 0 } }
    var targets: [String] { state.withLock { $0.targets } }

    func start(
        _ call: APIGatewayDeploymentRequest, step: DeploymentRequest, journal: any StepJournal
    ) async throws(ProviderError) -> DeploymentStart {
        let api = call.restAPIID
        state.withLock { state in
            state.targets.append(step.target)
            state.active[api, default: 0] += 1
            state.most[api] = max(state.most[api] ?? 0, state.active[api] ?? 0)
        }
        try? await Task.sleep(for: .milliseconds(300))
        state.withLock { $0.active[api, default: 1] -= 1 }
        return DeploymentStart(externalID: "dep-\(step.stepID)", status: .succeeded)
    }

    func poll(_ call: APIGatewayDeploymentRequest, externalID: String, step: DeploymentRequest) async throws(ProviderError) -> DeploymentProgress {
        DeploymentProgress(status: .succeeded)
    }

    func cancel(_ call: APIGatewayDeploymentRequest, externalID: String, step: DeploymentRequest) async throws(ProviderError) {}
}

/// Stands in for API Gateway's provider while another change of the REST API is in progress: the first `conflicts`
/// calls answer `ConflictException`, classified as the real provider classifies it.
final class ConflictingAPIGateway: Deployer, Sendable {
    let conflicts: Int
    private let calls = Mutex(0)

    init(conflicts: Int) {
        self.conflicts = conflicts
    }

    var attempts: Int { calls.withLock { $0 } }

    func start(
        _ request: APIGatewayDeploymentRequest, step: DeploymentRequest, journal: any StepJournal
    ) async throws(ProviderError) -> DeploymentStart {
        let call = calls.withLock { calls in
            calls += 1
            return calls
        }
        guard call > conflicts else {
            throw .retryable("ConflictException: Another deployment is in progress", retryAfter: .milliseconds(50))
        }
        return DeploymentStart(externalID: "dep-\(call)", status: .succeeded)
    }

    func poll(_ request: APIGatewayDeploymentRequest, externalID: String, step: DeploymentRequest) async throws(ProviderError) -> DeploymentProgress {
        DeploymentProgress(status: .succeeded)
    }

    func cancel(_ request: APIGatewayDeploymentRequest, externalID: String, step: DeploymentRequest) async throws(ProviderError) {}
}

/// The worker runs provider steps one per real resource, and ends those that outlive their `timeout`.
@Suite struct ProviderStepTests {
    static let header = """
        version: 1
        sources: {shop: {forge: gitlab, token: env:T}}

        """

    @Test func twoTargetsNamingOneRESTAPINeverDeployAtOnce() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let runs = try await harness.queuePlanned(
            Self.header + """
                targets:
                  staging-api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: z4675bid1j, stage: staging}
                  preview-api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: z4675bid1j, stage: preview}
                rules:
                  - {name: a, source: shop, on: push, deploy: [staging-api]}
                  - {name: b, source: shop, on: push, deploy: [preview-api]}
                """, event: WorkerHarness.pushEvent)
        #expect(runs.count == 2)
        let gateway = SlowAPIGateway()
        try await harness.runWorker(deployers: [gateway]) {
            let statuses = try await runs.asyncMap { try await harness.runStatus($0) }
            return statuses.allSatisfy { $0 == "succeeded" }
        }
        #expect(Set(gateway.targets) == ["staging-api", "preview-api"])
        #expect(gateway.most("z4675bid1j") == 1)
    }

    @Test func aStepWhoseParametersRenderToNoRequestFailsWithoutCallingItsProvider() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        // `check` accepts the template; the branch it renders to is no REST API id.
        let rules =
            Self.header + """
                targets:
                  api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: "${branch}-api"}
                rules:
                  - {name: deploy, source: shop, on: push, deploy: [api]}
                """
        let run = try #require(try await harness.queuePlanned(rules, event: WorkerHarness.pushEvent).first)
        let gateway = SlowAPIGateway()
        try await harness.runWorker(deployers: [gateway]) { try await harness.runStatus(run) == "failed" }
        #expect(gateway.targets.isEmpty)
        let step = try #require(try await harness.store.run(id: run).steps.first)
        #expect(step.error == "invalid aws-apigateway parameters: rest_api_id must be letters and digits, such as a1b2c3d4e5, found \"main-api\"")
        #expect(step.attempts == 1)
    }

    static func apiRules(timeout: String) -> String {
        Self.header + """
            targets:
              api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: z4675bid1j, stage: prod, timeout: \(timeout)}
            rules:
              - {name: deploy, source: shop, on: push, deploy: [api]}
            """
    }

    static let patient = WorkerConfiguration(
        slots: 2, lease: .seconds(3), idlePoll: .milliseconds(50), providerPoll: .milliseconds(20),
        retry: RetryPolicy(maximumAttempts: 1000, initialDelay: .milliseconds(20), maximumDelay: .milliseconds(100)),
        owner: "test-\(UUID().uuidString.prefix(8))")

    @Test func aConflictIsRetriedUntilTheRESTAPIIsFree() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let run = try #require(try await harness.queuePlanned(Self.apiRules(timeout: "10m"), event: WorkerHarness.pushEvent).first)
        let gateway = ConflictingAPIGateway(conflicts: 2)
        try await harness.runWorker(deployers: [gateway], configuration: Self.patient) { try await harness.runStatus(run) == "succeeded" }
        #expect(gateway.attempts == 3)
        #expect(try await harness.store.run(id: run).steps.first?.attempts == 3)
    }

    @Test func retriesEndWithTheStepsTimeout() async throws {
        let harness = try WorkerHarness()
        defer { harness.removeFiles() }
        let run = try #require(try await harness.queuePlanned(Self.apiRules(timeout: "1s"), event: WorkerHarness.pushEvent).first)
        let gateway = ConflictingAPIGateway(conflicts: .max)
        try await harness.runWorker(deployers: [gateway], configuration: Self.patient) { try await harness.runStatus(run) == "failed" }
        // The deadline passes while a retry waits (the usual case), before a claim of it (a slow machine), or, on a
        // machine slower still (a CI run's timed group), between the first claim, which starts the clock, and the first
        // call: then there is no last error to give.
        let error = try #require(try await harness.store.run(id: run).steps.first?.error)
        #expect(
            [
                "ConflictException: Another deployment is in progress (not retried: the step's timeout of 1s passes before the next attempt)",
                "timed out after 1s before the API Gateway deployment could be started; last error: ConflictException: Another deployment is in progress",
                "timed out after 1s before the API Gateway deployment could be started",
            ].contains(error), "\(error)")
        // No last error only when there was no attempt.
        #expect(error != "timed out after 1s before the API Gateway deployment could be started" || gateway.attempts == 0, "\(gateway.attempts)")
    }

    static func codeDeployRules(_ fake: CodeDeployFake, timeout: String) -> String {
        Self.header + """
            targets:
              backend:
                provider: aws-codedeploy
                region: eu-west-2
                application: shop
                deployment_group: blue-green
                endpoint: \(fake.endpoint)
                timeout: \(timeout)
            rules:
              - {name: deploy, source: shop, on: push, deploy: [backend]}
            """
    }

    static var codeDeploy: CodeDeployDeployer {
        CodeDeployDeployer(credentials: StaticAWSCredentialsProvider(CodeDeployFake.defaultCredentials), httpClient: .forTests)
    }

    @Test func aBlueGreenDeploymentWaitingInReadyIsStoppedAtTheTimeout() async throws {
        try await withCodeDeployFake { fake in
            fake.script([.init("Ready", overview: ["Pending": 0, "InProgress": 0, "Succeeded": 0, "Failed": 0, "Skipped": 0, "Ready": 2])])
            let harness = try WorkerHarness()
            defer { harness.removeFiles() }
            // 3 s: under the whole suite's load, claiming and creating the deployment took over a second in one CI run.
            let run = try #require(try await harness.queuePlanned(Self.codeDeployRules(fake, timeout: "3s"), event: WorkerHarness.pushEvent).first)
            try await harness.runWorker(deployers: [Self.codeDeploy]) { try await harness.runStatus(run) == "failed" }
            let deployment = try #require(fake.deployments.first)
            #expect(deployment.stopRequests == [nil])
            let step = try #require(try await harness.store.run(id: run).steps.first)
            #expect(step.error == "timed out after 3s; CodeDeploy deployment \(deployment.id) stopped")
        }
    }

    @Test func aResumedStepKeepsTheTimeOfItsFirstStart() async throws {
        try await withCodeDeployFake { fake in
            fake.script([.init("InProgress")])
            let harness = try WorkerHarness()
            defer { harness.removeFiles() }
            let run = try #require(try await harness.queuePlanned(Self.codeDeployRules(fake, timeout: "1h"), event: WorkerHarness.pushEvent).first)
            // A bridge that died two hours ago, after CodeDeploy accepted the deployment.
            let twoHoursAgo = Date().addingTimeInterval(-7200)
            let step = try #require(try await harness.store.claimNextStep(owner: "gone", now: twoHoursAgo, lease: .seconds(30)))
            let request = DeploymentRequest(
                runID: run, stepID: step.stepID, target: step.target, provider: step.provider, parameters: step.parameters,
                environment: step.environment, event: step.event, attempt: 1)
            let id = try #require(try await Self.codeDeploy.start(request).externalID)
            try await harness.store.recordExternalID(stepID: step.stepID, owner: "gone", externalID: id)

            try await harness.runWorker(deployers: [Self.codeDeploy]) { try await harness.runStatus(run) == "failed" }
            let steps = try await harness.store.run(id: run).steps
            #expect(steps.first?.error == "timed out after 1h; CodeDeploy deployment \(id) stopped")
            #expect(fake.deployment(id: id)?.stopRequests == [nil])
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
