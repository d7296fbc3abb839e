import BridgeCore
import Testing

/// Every API provider's step takes a `timeout` (`StepTimeout`), checked with the key's place, with a documented default;
/// a Pulumi `source.repo_url` that names a fixed repository needs its own branch or commit.
@Suite struct StepTimeoutCheckTests {
    static let header = """
        version: 1
        sources: {shop: {forge: github, secret: env:S}}

        """

    @Test func aBadTimeoutIsReportedAtItsValueForEveryAPIProvider() {
        let found = diagnostics(
            Self.header + """
                targets:
                  api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: a1b2c3, timeout: 10}
                  backend: {provider: aws-codedeploy, region: eu-west-2, application: shop, deployment_group: g, timeout: soon}
                  gateway: {provider: aliyun-apigateway, region: cn-hangzhou, group_id: g1, api_id: a1, stage: TEST, timeout: 5m}
                  stack: {provider: pulumi, organization: acme, project: shop, stack: prod, token: env:T, timeout: "${sha}"}
                rules:
                  - name: r
                    source: shop
                    on: push
                    deploy:
                      - {target: gateway, timeout: 1 hour}
                      - stack
                """)
        #expect(
            found == [
                #"rules.yaml:4:84: target api (aws-apigateway): timeout must be a duration such as 30s, 5m, 3h or 1h30m, found "10""#,
                #"rules.yaml:5:107: target backend (aws-codedeploy): timeout must be a duration such as 30s, 5m, 3h or 1h30m, found "soon""#,
                #"rules.yaml:13:36: rules.r.deploy[0] (target gateway, aliyun-apigateway): timeout must be a duration such as 30s, 5m, 3h or 1h30m, found "1 hour""#,
            ])
    }

    @Test func theTimeoutIsTheStepsOrTheProvidersDefault() {
        #expect(StepTimeout.of(provider: "aws-codedeploy", parameters: .object([:])) == .seconds(3 * 3600))
        #expect(StepTimeout.of(provider: "pulumi", parameters: .object([:])) == .seconds(2 * 3600))
        #expect(StepTimeout.of(provider: "aws-apigateway", parameters: .object([:])) == .seconds(600))
        #expect(StepTimeout.of(provider: "aliyun-apigateway", parameters: .object([:])) == .seconds(600))
        #expect(StepTimeout.of(provider: "aws-codedeploy", parameters: .object(["timeout": .string("1h30m")])) == .seconds(5400))
        #expect(StepTimeout.of(provider: "command", parameters: .object(["timeout": .string("5m")])) == nil)
        #expect(Duration.seconds(5400).configText == "1h30m")
        #expect(Duration.seconds(1800).configText == "30m")
        #expect(Duration.milliseconds(250).configText == "250ms")
    }

    static func pulumi(_ source: String) -> String {
        Self.header + """
            targets:
              stack:
                provider: pulumi
                organization: acme
                project: shop
                stack: prod
                token: env:PULUMI_ACCESS_TOKEN
                source: \(source)
            """
    }

    @Test func aFixedRepositoryWithoutBranchOrCommitIsAnError() {
        #expect(
            diagnostics(Self.pulumi("{repo_url: https://gitlab.example.com/acme/infra.git, repo_dir: stacks/shop}")) == [
                "rules.yaml:10:24: target stack (pulumi): source.repo_url names a fixed repository, which may not be the one pushed "
                    + #"(it would not have the pushed commit): give source.branch or source.commit (commit: "${sha}" if it is the "#
                    + #"repository pushed), or write repo_url: "${clone_url}""#
            ])
        #expect(diagnostics(Self.pulumi("{repo_url: https://gitlab.example.com/acme/infra.git, branch: main}")) == [])
        #expect(diagnostics(Self.pulumi(#"{repo_url: https://gitlab.example.com/acme/infra.git, commit: "${sha}"}"#)) == [])
        #expect(diagnostics(Self.pulumi(#"{repo_url: "${clone_url}"}"#)) == [])
        #expect(diagnostics(Self.pulumi(#"{repo_url: "https://gitlab.example.com/${repository}.git"}"#)) == [])
        #expect(diagnostics(Self.pulumi("{repo_dir: stacks/shop}")) == [])
    }

    static let event = PushEvent(
        forge: .gitlab, repository: "acme/shop", refKind: .branch, refName: "main", sha: String(repeating: "d", count: 40),
        cloneURL: "https://gitlab.example.com/acme/shop.git")

    static func commit(repoURL: String) throws -> ConfigValue? {
        let parameters: ConfigValue = .object([
            "organization": .string("acme"), "project": .string("shop"), "stack": .string("prod"), "token": .string("env:T"),
            "source": .object(["repo_url": .string(repoURL)]),
        ])
        return try PulumiDeploymentRequest(parameters: parameters, event: event).bodyTemplate["sourceContext"]?["git"]?["commit"]
    }

    @Test(arguments: [
        "https://gitlab.example.com/acme/shop.git", "https://gitlab.example.com/Acme/Shop", "git@gitlab.example.com:acme/shop.git",
        "ssh://git@gitlab.example.com:2222/acme/shop.git", "https://deployer@gitlab.example.com/acme/shop/",
    ])
    func thePushedRepositoryDeploysThePushedCommit(repoURL: String) throws {
        #expect(try Self.commit(repoURL: repoURL) == .string(Self.event.sha))
    }

    @Test(arguments: ["https://gitlab.example.com/acme/infra.git", "https://github.com/acme/shop.git", "git@github.com:acme/shop.git"])
    func anotherRepositoryNeverGetsThePushedCommit(repoURL: String) {
        #expect(throws: ParameterError.self) { try Self.commit(repoURL: repoURL) }
    }
}
