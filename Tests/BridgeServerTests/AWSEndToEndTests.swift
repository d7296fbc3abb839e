import AsyncHTTPClient
import BridgeCore
import BridgeServer
import BridgeStore
import BridgeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// The whole bridge against moto's server with SigV4 enforcement (providers.md §4): a signed GitHub push in, the
/// worker deploying an API Gateway stage and creating a CodeDeploy deployment, with credentials from the bridge's
/// environment through the standard chain. moto's CodeDeploy never leaves `Created`, so the CodeDeploy step stays
/// in progress here; `CodeDeployFakeTests` cover how it ends.
@Suite(.motoServer) struct AWSEndToEndTests {
    static let hookSecret = "gh-hook-secret"
    static let sha = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"

    struct Bridge {
        let directory: URL
        let configuration: ServeConfiguration
        let resolver: ProcessSecretResolver
        var databasePath: String { configuration.databasePath }

        init(moto: MotoServer, restAPIID: String, application: String, secretAccessKey: String) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-aws-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let rules = """
                version: 1
                sources:
                  shop: {forge: github, secret: env:HOOK_SECRET}
                targets:
                  api:
                    provider: aws-apigateway
                    region: eu-west-2
                    endpoint: \(moto.endpoint)
                    rest_api_id: \(restAPIID)
                    stage: staging
                  backend:
                    provider: aws-codedeploy
                    region: eu-west-2
                    endpoint: \(moto.endpoint)
                    application: \(application)
                    deployment_group: staging
                    revision: {github: {repository: "${repository}"}}
                rules:
                  - name: main
                    source: shop
                    on: push
                    branches: [main]
                    environment: staging
                    deploy:
                      - target: api
                        description: "${repository}@${short_sha}"
                        variables: {commit: "${sha}", branch: "${branch}"}
                      - target: backend
                        description: "delivery ${delivery}"
                """
            let rulesPath = directory.appendingPathComponent("rules.yaml").path
            try rules.write(toFile: rulesPath, atomically: true, encoding: .utf8)
            // The chain's environment source: nothing else of this machine (no ~/.aws, no IMDS) is consulted.
            let environment = [
                "AWS_ACCESS_KEY_ID": moto.credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": secretAccessKey,
                "HOME": directory.path, "AWS_EC2_METADATA_DISABLED": "true",
            ]
            configuration = ServeConfiguration(
                rulesPath: rulesPath, databasePath: directory.appendingPathComponent("bridge.sqlite").path, host: "127.0.0.1", port: 0,
                logLevel: .critical, worker: WorkerHarness.configuration(), environment: environment)
            resolver = ProcessSecretResolver(environment: ["HOOK_SECRET": AWSEndToEndTests.hookSecret])
        }

        func remove() {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    static func push(port: Int) async throws -> Int {
        let body = SamplePayload(forge: .github, refName: "main", sha: sha, paths: ["api/handler.go"]).json()
        let credentials = try SourceCredentials(secrets: [Secret(bytes: Array(hookSecret.utf8), reference: .environment("HOOK_SECRET"))])
        let headers = WebhookSigner.headers(
            forge: .github, body: body, kind: .branch, credentials: credentials, deliveryID: "aws-e2e-1", now: Date())
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/hooks/shop")
        request.method = .POST
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code)
    }

    /// The first run's detail once `condition` holds for it (polling the bridge's own database).
    static func run(in path: String, until condition: (RunDetail) -> Bool) async throws -> RunDetail {
        let store = try SQLiteDeliveryStore(path: path)
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            if let summary = try await store.runs(limit: 1, status: nil).first {
                let detail = try await store.run(id: summary.id)
                if condition(detail) { return detail }
                guard ContinuousClock.now < deadline else { throw HarnessError("run \(summary.id) did not get there: \(detail)") }
            } else if ContinuousClock.now >= deadline {
                throw HarnessError("no run was recorded")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func aPushDeploysTheStageWithTheRulesVariablesAndCreatesACodeDeployDeployment() async throws {
        let moto = try SharedMoto.server()
        let api = MotoAPI(moto)
        let restAPIID = try await api.restAPIReadyToDeploy()
        let application = try await api.applicationReadyToDeploy()
        let bridge = try Bridge(
            moto: moto, restAPIID: restAPIID, application: application, secretAccessKey: moto.credentials.secretAccessKey)
        defer { bridge.remove() }
        let app = try await BridgeServerApp.make(configuration: bridge.configuration, resolver: bridge.resolver)
        let detail = try await app.test(.live) { client in
            #expect(try await Self.push(port: try #require(client.port)) == 202)
            return try await Self.run(in: bridge.databasePath) { $0.steps.count == 2 && $0.steps[1].externalID != nil }
        }
        let steps = detail.steps
        #expect(steps[0].status == "succeeded" && steps[0].attempts == 1)
        let deploymentID = try #require(steps[0].externalID)

        let stage = try await api.rest("GET", "/restapis/\(restAPIID)/stages/staging")
        #expect(stage["deploymentId"] == .string(deploymentID))
        #expect(stage["variables"] == ["commit": .string(Self.sha), "branch": "main"])
        let deployment = try await api.rest("GET", "/restapis/\(restAPIID)/deployments/\(deploymentID)")
        #expect(deployment["description"] == "acme/shop@3f2c1ab")

        let codeDeployID = try #require(steps[1].externalID)
        let info = try await api.codeDeploy("GetDeployment", ["deploymentId": .string(codeDeployID)])["deploymentInfo"]
        #expect(info?["applicationName"] == .string(application) && info?["deploymentGroupName"] == "staging")
        #expect(info?["description"] == "delivery aws-e2e-1")
        #expect(
            info?["revision"]
                == ["revisionType": "GitHub", "gitHubLocation": ["repository": "acme/shop", "commitId": .string(Self.sha)]])
    }

    @Test func aWrongSecretFailsTheStepPermanentlyWithAWSsMessage() async throws {
        let moto = try SharedMoto.server()
        let api = MotoAPI(moto)
        let restAPIID = try await api.restAPIReadyToDeploy()
        let application = try await api.applicationReadyToDeploy()
        let wrongSecret = "wrong/Secret/Key/0000000000000000000000"
        let bridge = try Bridge(moto: moto, restAPIID: restAPIID, application: application, secretAccessKey: wrongSecret)
        defer { bridge.remove() }
        let app = try await BridgeServerApp.make(configuration: bridge.configuration, resolver: bridge.resolver)
        let detail = try await app.test(.live) { client in
            #expect(try await Self.push(port: try #require(client.port)) == 202)
            return try await Self.run(in: bridge.databasePath) { $0.summary.status == "failed" }
        }
        let steps = detail.steps
        #expect(steps[0].status == "failed" && steps[0].attempts == 1)
        let error = try #require(steps[0].error)
        #expect(error.hasPrefix("SignatureDoesNotMatch: The request signature we calculated does not match"), "\(error)")
        #expect(!error.contains(wrongSecret) && !error.contains(moto.credentials.secretAccessKey))
        #expect(steps[1].status != "succeeded" && steps[1].externalID == nil)
        let stages = try await api.rest("GET", "/restapis/\(restAPIID)/stages")
        #expect(stages["item"] == nil || stages["item"] == [])
    }
}
