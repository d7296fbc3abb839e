import BridgeCore
import BridgeTestSupport
import Foundation
import NIOHTTP1
import Testing

/// The fake follows Pulumi's documented Deployments REST API, checked with plain HTTP.
@Suite struct PulumiFakeTests {
    static let deploymentsPath = "/api/stacks/acme/shop/dev/deployments"

    static func send(
        _ fake: PulumiFake, _ method: HTTPMethod, _ path: String, json: ConfigValue? = nil, token: String? = PulumiFake.defaultToken,
        accept: String? = PulumiFake.acceptType
    ) async throws -> LoopbackHTTP.Answer {
        var headers: [(String, String)] = []
        if let token { headers.append(("Authorization", "token \(token)")) }
        if let accept { headers.append(("Accept", accept)) }
        if json != nil { headers.append(("Content-Type", "application/json")) }
        return try await LoopbackHTTP.send(method, fake.baseURL + path, headers: headers, body: json?.jsonText)
    }

    /// An update of `main` with `overrides` merged into the top level.
    static func createBody(_ overrides: [String: ConfigValue] = [:]) -> ConfigValue {
        var members: [String: ConfigValue] = [
            "operation": "update", "inheritSettings": .bool(false),
            "sourceContext": .object(["git": .object(["repoURL": "https://github.com/acme/shop.git", "branch": "refs/heads/main"])]),
        ]
        members.merge(overrides) { $1 }
        return .object(members)
    }

    /// Creates a deployment and returns its id.
    static func create(_ fake: PulumiFake, _ body: ConfigValue = createBody()) async throws -> String {
        let answer = try await send(fake, .POST, deploymentsPath, json: body)
        #expect(answer.status == 202, "\(answer.text)")
        return try #require(answer.json?["id"]?.stringValue)
    }

    // MARK: Authentication, headers, routes

    @Test(arguments: [nil, "pul-wrong", ""])
    func refusesAMissingOrWrongToken(token: String?) async throws {
        try await withPulumiFake { fake in
            let answer = try await Self.send(fake, .POST, Self.deploymentsPath, json: Self.createBody(), token: token)
            #expect(answer.status == 401)
            #expect(answer.text == #"{"code":401,"message":"Unauthorized: No credentials provided or are invalid."}"#)
            #expect(fake.deployments.isEmpty)
            #expect(fake.requests.first?.headers["authorization"] == (token == nil ? nil : "[REDACTED]"))
        }
    }

    @Test(arguments: [nil, "application/json", "application/vnd.pulumi+7"])
    func requiresTheAcceptHeader(accept: String?) async throws {
        try await withPulumiFake { fake in
            let answer = try await Self.send(fake, .POST, Self.deploymentsPath, json: Self.createBody(), accept: accept)
            #expect(answer.status == 400)
            #expect(answer.json?["code"] == .int(400))
            #expect(answer.json?["message"]?.stringValue?.contains("application/vnd.pulumi+8") == true)
        }
    }

    @Test func acceptsTheVersionedTypeAmongOthers() async throws {
        try await withPulumiFake { fake in
            let answer = try await Self.send(
                fake, .POST, Self.deploymentsPath, json: Self.createBody(), accept: "application/json, application/vnd.pulumi+8")
            #expect(answer.status == 202)
        }
    }

    @Test func answersAnUnknownStackWithNotFound() async throws {
        try await withPulumiFake { fake in
            let answer = try await Self.send(fake, .POST, "/api/stacks/acme/shop/prod/deployments", json: Self.createBody())
            #expect(answer.status == 404)
            #expect(answer.text == #"{"code":404,"message":"Not Found: stack not found"}"#)
        }
    }

    @Test func answersTheRetiredPreviewRoutesWithNotFound() async throws {
        try await withPulumiFake { fake in
            let answer = try await Self.send(fake, .POST, "/api/preview/acme/shop/dev/deployments", json: Self.createBody())
            #expect(answer.status == 404)
            #expect(answer.text == #"{"code":404,"message":"Not Found"}"#)
            #expect(fake.deployments.isEmpty)
        }
    }

    // MARK: Create

    @Test func createsDeploymentsNumberedPerStack() async throws {
        try await withPulumiFake(PulumiFake(stacks: ["acme/shop/dev", "acme/shop/prod"])) { fake in
            let first = try await Self.send(fake, .POST, Self.deploymentsPath, json: Self.createBody())
            #expect(first.status == 202)
            let id = try #require(first.json?["id"]?.stringValue)
            #expect(UUID(uuidString: id) != nil)
            #expect(first.json?["version"] == .int(1))
            #expect(first.json?["consoleUrl"] == "https://app.pulumi.com/acme/shop/dev/deployments/1")
            let second = try await Self.send(fake, .POST, Self.deploymentsPath, json: Self.createBody())
            #expect(second.json?["version"] == .int(2))
            let other = try await Self.send(fake, .POST, "/api/stacks/acme/shop/prod/deployments", json: Self.createBody())
            #expect(other.json?["version"] == .int(1))
            #expect(fake.deployments.map(\.stack) == ["acme/shop/dev", "acme/shop/dev", "acme/shop/prod"])
            #expect(fake.deployment(id: id)?.operation == "update")
            #expect(fake.deployment(id: id)?.inheritSettings == false)
        }
    }

    static let refusedBodies: [(String, ConfigValue, String)] = [
        ("unknown top-level field", createBody(["operaton": "update"]), "unknown fields: operaton"),
        (
            "unknown nested field", createBody(["sourceContext": .object(["git": .object(["repoUrl": "https://x", "branch": "main"])])]),
            "unknown fields: sourceContext.git.repoUrl"
        ),
        (
            "unknown option", createBody(["operationContext": .object(["options": .object(["skipInstallDeps": .bool(true)])])]),
            "unknown fields: operationContext.options.skipInstallDeps"
        ),
        (
            "branch and commit", createBody(["sourceContext": .object(["git": .object(["branch": "main", "commit": "3f2c1ab"])])]),
            "mutually exclusive"
        ),
        ("bad operation", createBody(["operation": "up"]), "operation must be one of"),
        ("no operation without inherited settings", .object(["inheritSettings": .bool(false)]), "operation is required"),
        ("wrong type", createBody(["inheritSettings": "false"]), "inheritSettings must be a boolean"),
        (
            "malformed secret", createBody(["operationContext": .object(["environmentVariables": .object(["TOKEN": .object(["value": "x"])])])]),
            "operationContext.environmentVariables.TOKEN must be a string or"
        ),
        (
            // DockerImageCredentials: only the password is a SecretValue.
            "secret-wrapped registry username",
            createBody([
                "executorContext": .object([
                    "executorImage": .object([
                        "reference": "r.example.com/pulumi:3", "credentials": .object(["username": .object(["secret": "u"]), "password": "p"]),
                    ])
                ])
            ]),
            "executorContext.executorImage.credentials.username must be a string"
        ),
    ]

    @Test(arguments: refusedBodies)
    func refusesABodyPulumiWouldNotRunAsMeant(_ name: String, body: ConfigValue, message: String) async throws {
        try await withPulumiFake { fake in
            let answer = try await Self.send(fake, .POST, Self.deploymentsPath, json: body)
            #expect(answer.status == 400, "\(name)")
            #expect(answer.json?["message"]?.stringValue?.contains(message) == true, "\(name): \(answer.text)")
            #expect(fake.deployments.isEmpty)
        }
    }

    @Test func acceptsEveryDocumentedField() async throws {
        try await withPulumiFake { fake in
            let body = ConfigValue.object([
                "operation": "preview", "inheritSettings": .bool(false),
                "sourceContext": .object([
                    "git": .object([
                        "repoURL": "https://github.com/acme/shop.git", "commit": "3f2c1ab", "repoDir": "infra",
                        "gitAuth": .object([
                            "accessToken": "ghp_plain", "sshAuth": .object(["sshPrivateKey": .object(["secret": "KEY"]), "password": "pw"]),
                            "basicAuth": .object(["userName": "bot", "password": .object(["secret": "basic-pw"])]),
                        ]),
                    ])
                ]),
                "operationContext": .object([
                    "preRunCommands": .array(["make deps"]), "environmentVariables": .object(["PLAIN": "1", "TOKEN": .object(["secret": "t0k"])]),
                    "options": .object([
                        "skipInstallDependencies": .bool(true), "skipIntermediateDeployments": .bool(true), "shell": "bash",
                        "deleteAfterDestroy": .bool(false), "remediateIfDriftDetected": .bool(false),
                    ]),
                    "oidc": .object([
                        "aws": .object(["roleArn": "arn:aws:iam::1:role/x", "sessionName": "s", "duration": "1h", "policyArns": .array([])]),
                        "azure": .object(["clientId": "c", "tenantId": "t", "subscriptionId": "s"]),
                        "gcp": .object([
                            "projectId": "p", "region": "r", "workloadPoolId": "w", "providerId": "pr", "serviceAccount": "sa", "tokenLifetime": "1h",
                        ]),
                    ]),
                ]),
                "executorContext": .object([
                    "executorImage": .object(["reference": "pulumi/pulumi:latest", "credentials": .object(["username": "u", "password": "p"])])
                ]),
            ])
            _ = try await Self.create(fake, body)
        }
    }

    @Test func keepsSecretsOutOfWhatItShowsButLetsATestReadThem() async throws {
        try await withPulumiFake { fake in
            let body = Self.createBody([
                "sourceContext": .object([
                    "git": .object(["repoURL": "https://github.com/acme/shop.git", "gitAuth": .object(["accessToken": "ghp_resolvedToken"])])
                ]),
                "operationContext": .object(["environmentVariables": .object(["API_KEY": .object(["secret": "resolvedApiKey"])])]),
            ])
            let id = try await Self.create(fake, body)
            let secrets = fake.receivedSecrets(deploymentID: id)
            #expect(secrets["sourceContext.git.gitAuth.accessToken"] == PulumiFake.ReceivedSecret(value: "ghp_resolvedToken", markedSecret: false))
            #expect(
                secrets["operationContext.environmentVariables.API_KEY"] == PulumiFake.ReceivedSecret(value: "resolvedApiKey", markedSecret: true))
            let deployment = try #require(fake.deployment(id: id))
            #expect(deployment.request["sourceContext"]?["git"]?["gitAuth"]?["accessToken"] == "[REDACTED]")
            #expect(deployment.request["operationContext"]?["environmentVariables"]?["API_KEY"] == .object(["secret": "[REDACTED]"]))
            let shown = "\(fake.requests) \(fake.deployments) \(secrets)"
            for secret in ["ghp_resolvedToken", "resolvedApiKey", PulumiFake.defaultToken] { #expect(!shown.contains(secret)) }
        }
    }
}
