import BridgeCore
import BridgeTestSupport
import Testing

/// The `pulumi` target's keys become Pulumi's `CreateDeploymentRequest` (providers.md §6).
@Suite struct PulumiRequestTests {
    static let sha = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"
    static let event = PushEvent(forge: .gitlab, repository: "acme/shop", refKind: .tag, refName: "v1.2.0", sha: sha)
    static let base: [String: ConfigValue] = ["organization": "acme", "project": "shop", "stack": "prod", "token": "env:PULUMI_ACCESS_TOKEN"]

    static func build(_ extra: [String: ConfigValue]) throws -> PulumiDeploymentRequest {
        try PulumiDeploymentRequest(parameters: .object(base.merging(extra) { $1 }), event: event)
    }

    static func problems(_ extra: [String: ConfigValue]) -> [String] {
        PulumiDeploymentRequest.problems(in: .object(base.merging(extra) { $1 })).map(\.message)
    }

    @Test func theLeastIsAnUpdateOfThePushedCommitWithTheStacksSettings() throws {
        let built = try Self.build([:])
        #expect(built.deploymentsURL == "https://api.pulumi.com/api/stacks/acme/shop/prod/deployments")
        #expect(built.token == .environment("PULUMI_ACCESS_TOKEN"))
        #expect(built.bodyTemplate.jsonText == #"{"operation":"update","sourceContext":{"git":{"commit":"\#(Self.sha)"}}}"#)
        #expect(PulumiDeploymentRequest.headers(token: "t", json: true).map(\.name) == ["Authorization", "Accept", "Content-Type"])
    }

    @Test func everyKeyBecomesItsField() throws {
        let built = try Self.build([
            "api_url": "https://pulumi.example.com/", "operation": "preview", "inherit_settings": false,
            "source": [
                "repo_url": "https://github.com/acme/infra.git", "branch": "main", "repo_dir": "stacks/shop",
                "git_auth": ["basic_auth": ["user_name": "deployer", "password": "env:GIT_PASSWORD"]],
            ],
            "operation_context": [
                "pre_run_commands": ["make deps"], "environment_variables": ["LOG_LEVEL": "info"],
                "secret_environment_variables": ["API_KEY": "env:API_KEY"],
                "options": ["skip_install_dependencies": true, "shell": "/bin/bash", "skip_intermediate_deployments": "true"],
                "oidc": [
                    "aws": ["role_arn": "arn:aws:iam::123456789012:role/pulumi", "session_name": "deploy", "duration": "1h"],
                    "gcp": [
                        "project_id": "123", "workload_pool_id": "pool", "provider_id": "pulumi",
                        "service_account": "deploy@acme.iam.gserviceaccount.com",
                    ],
                ],
            ],
            "executor_context": ["executor_image": "pulumi/pulumi:3.200.0"],
        ])
        #expect(built.deploymentsURL == "https://pulumi.example.com/api/stacks/acme/shop/prod/deployments")
        let body = try built.body { reference throws(SecretError) in "resolved(\(reference))" }
        #expect(
            body
                == [
                    "operation": "preview", "inheritSettings": false,
                    "sourceContext": [
                        "git": [
                            "repoURL": "https://github.com/acme/infra.git", "branch": "main", "repoDir": "stacks/shop",
                            "gitAuth": ["basicAuth": ["userName": "deployer", "password": ["secret": "resolved(env:GIT_PASSWORD)"]]],
                        ]
                    ],
                    "operationContext": [
                        "preRunCommands": ["make deps"],
                        "environmentVariables": ["LOG_LEVEL": "info", "API_KEY": ["secret": "resolved(env:API_KEY)"]],
                        "options": ["skipInstallDependencies": true, "shell": "/bin/bash", "skipIntermediateDeployments": true],
                        "oidc": [
                            "aws": ["roleArn": "arn:aws:iam::123456789012:role/pulumi", "sessionName": "deploy", "duration": "1h"],
                            "gcp": [
                                "projectId": "123", "workloadPoolId": "pool", "providerId": "pulumi",
                                "serviceAccount": "deploy@acme.iam.gserviceaccount.com",
                            ],
                        ],
                    ],
                    "executorContext": ["executorImage": ["reference": "pulumi/pulumi:3.200.0"]],
                ])
    }

    @Test func problemsNameTheirKeys() {
        #expect(
            Self.problems([
                "operation": "up", "source": ["branch": "main", "commit": "abc", "git_auth": [:]],
                "operation_context": ["environment_variables": ["1BAD": "x"], "oidc": ["aws": ["role_arn": "arn"]]],
                "stack_name": "prod",
            ]) == [
                #"operation must be one of update, preview, refresh, destroy, detect-drift, remediate-drift, found "up""#,
                "source.git_auth needs access_token, ssh_auth or basic_auth",
                "source.branch and source.commit are mutually exclusive: give one",
                "operation_context.environment_variables: '1BAD' is not a valid name (letters, digits and _, not starting with a digit)",
                "missing required key operation_context.oidc.aws.session_name",
                "unknown key stack_name (did you mean stack?)",
            ])
        #expect(
            PulumiDeploymentRequest.problems(in: ["organization": "acme"]) == [
                ParameterProblem(key: nil, "missing required key project"), ParameterProblem(key: nil, "missing required key stack"),
                ParameterProblem(key: nil, "missing required key token"),
            ])
    }

    @Test func explainRedactsTheTokenAndEverySecret() throws {
        let preview = try Self.build(["source": ["git_auth": ["access_token": "env:GIT_TOKEN"]]]).preview()
        #expect(preview.headers.first { $0.name == "Authorization" }?.value == "token <redacted>")
        #expect(preview.body.contains(#""accessToken":{"secret":"<redacted>"}"#))
        #expect(!preview.body.contains("GIT_TOKEN"))
    }
}
