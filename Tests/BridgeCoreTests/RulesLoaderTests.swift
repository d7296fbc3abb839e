import BridgeCore
import Foundation
import Testing

@Suite struct RulesLoaderTests {
    @Test func loadsTheMinimalFile() throws {
        let rules = try loadRules(minimalRules)
        let source = try #require(rules.sources["shop"])
        #expect(source.forge == .github)
        #expect(source.secrets == [.environment("SHOP_SECRET")])
        #expect(source.position == SourcePosition(file: "rules.yaml", line: 3, column: 3))
        let target = try #require(rules.targets["api"])
        #expect(target.provider == "aws-apigateway")
        #expect(target.parameters == ["region": .string("eu-west-2"), "rest_api_id": .string("abc123")])
        #expect(rules.rules.map(\.name) == ["main"])
        #expect(rules.rules.first?.on == .branch)
        #expect(
            rules.rules.first?.deploy == [StepDefinition(target: "api", parameters: [:], position: .init(file: "rules.yaml", line: 17, column: 9))])
        #expect(rules.files == ["rules.yaml"])
    }

    @Test func readsEverySourceKey() throws {
        let rules = try loadRules(
            """
            version: 1
            sources:
              gh:
                forge: github
                secret: [env:OLD_SECRET, env:NEW_SECRET]
                allow_sha1: true
                repositories: ["acme/*", "!acme/legacy"]
              gl:
                forge: gitlab
                token: file:/run/secrets/gitlab-token
                signing_secret: [env:WHSEC]
              open:
                forge: bitbucket
                insecure: true
            """)
        let github = try #require(rules.sources["gh"])
        #expect(github.secrets == [.environment("OLD_SECRET"), .environment("NEW_SECRET")])
        #expect(github.allowSHA1)
        #expect(github.repositories == ["acme/*", "!acme/legacy"])
        #expect(github.repositoryPatterns.matches("acme/shop"))
        #expect(!github.repositoryPatterns.matches("acme/legacy"))
        let gitlab = try #require(rules.sources["gl"])
        #expect(gitlab.tokens == [.file("/run/secrets/gitlab-token")])
        #expect(gitlab.signingSecrets == [.environment("WHSEC")])
        #expect(gitlab.secrets.isEmpty)
        #expect(rules.sources["open"]?.insecure == true)
    }

    @Test func readsStatusTargetsAndSteps() throws {
        let rules = try loadRules(
            """
            version: 1
            sources:
              shop: {forge: gitlab, token: env:T}
            status:
              gitlab: {url: "https://gitlab.example.com/prefix", token: env:GITLAB_API_TOKEN}
            targets:
              api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: 123456, variables: {a: "1"}}
              run: {provider: command, run: [sleep, 5], timeout: 30s, env: {PORT: 8080}}
            rules:
              - name: r
                source: shop
                on: tag
                tags: ["v*"]
                environment: production
                deploy:
                  - target: api
                    description: "${repository} ${tag}"
                    variables: {b: "2"}
                  - run
            """)
        #expect(rules.status.gitlab?.url == "https://gitlab.example.com/prefix")
        #expect(rules.status.gitlab?.token == .environment("GITLAB_API_TOKEN"))
        // A key the request needs as text is text even when YAML reads it as a number.
        let api = try APIGatewayDeploymentRequest(parameters: .object(try #require(rules.targets["api"]).parameters))
        #expect(api.restAPIID == "123456")
        #expect(rules.targets["run"]?.parameters["run"] == .array([.string("sleep"), .string("5")]))
        #expect(rules.targets["run"]?.parameters["env"] == .object(["PORT": .string("8080")]))
        #expect(rules.targets["run"]?.parameters["timeout"] == .string("30s"))
        let rule = try #require(rules.rules.first)
        #expect(rule.on == .tag)
        #expect(rule.tags == ["v*"])
        #expect(rule.environment == "production")
        #expect(rule.deploy.map(\.target) == ["api", "run"])
        #expect(rule.deploy[0].parameters == ["description": .string("${repository} ${tag}"), "variables": .object(["b": .string("2")])])
        #expect(rule.deploy[1].parameters.isEmpty)
    }

    @Test func mergeKeysShareSettings() throws {
        let rules = try loadRules(
            """
            version: 1
            targets:
              base: &aws {provider: aws-codedeploy, region: eu-west-2, application: shop, deployment_group: staging}
              prod:
                <<: *aws
                deployment_group: production
            """)
        #expect(rules.targets["prod"]?.provider == "aws-codedeploy")
        #expect(rules.targets["prod"]?.parameters["deployment_group"] == .string("production"))
        #expect(rules.targets["prod"]?.parameters["application"] == .string("shop"))
    }

    @Test func loadsADirectoryInNameOrder() throws {
        let directory = try TemporaryDirectory()
        try directory.write(
            "20-rules.yml",
            """
            version: 1
            rules:
              - {name: second, source: shop, on: push, deploy: [api]}
            """)
        try directory.write(
            "10-base.yaml",
            """
            version: 1
            sources: {shop: {forge: github, secret: env:S}}
            targets: {api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}}
            rules:
              - {name: first, source: shop, on: push, deploy: [api]}
            """)
        try directory.write(".hidden.yaml", "not: [valid")
        try directory.write("notes.txt", "ignored")
        let rules = try RulesLoader.load(path: directory.path)
        #expect(rules.rules.map(\.name) == ["first", "second"])
        #expect(rules.files.map { ($0 as NSString).lastPathComponent } == ["10-base.yaml", "20-rules.yml"])
    }

    @Test func loadsASingleFileByPath() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("rules.yaml", minimalRules)
        #expect(try RulesLoader.load(path: file).rules.count == 1)
    }

    @Test func emptyDirectoryIsAnErrorNamingThePath() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: RulesError.self) { try RulesLoader.load(path: directory.path) }
        #expect(error?.description == "\(directory.path): no *.yaml or *.yml files in this directory")
    }

    @Test func missingPathIsAnError() {
        let error = #expect(throws: RulesError.self) { try RulesLoader.load(path: "/nonexistent/rules.yaml") }
        #expect(error?.description == "/nonexistent/rules.yaml: no such file or directory")
    }

    @Test func unreadableFileIsPositionedAtItsStart() throws {
        let directory = try TemporaryDirectory()
        try directory.write("a.yaml", minimalRules)
        let bad = (directory.path as NSString).appendingPathComponent("b.yaml")
        try Data([0x76, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: bad))
        let error = #expect(throws: RulesError.self) { try RulesLoader.load(path: directory.path) }
        #expect(error?.description == "\(bad):1:1: the file is not valid UTF-8")
    }

    @Test func emptyFile() {
        #expect(diagnostics("# only a comment\n") == ["rules.yaml:1:1: the file is empty: a rules file starts with 'version: 1'"])
    }

    @Test func missingAndUnsupportedVersion() {
        #expect(diagnostics("sources: {}\n") == ["rules.yaml:1:1: missing 'version: 1' at the top of the file"])
        #expect(diagnostics("version: 2\n") == ["rules.yaml:1:10: unsupported version '2': this bridge reads version: 1"])
    }

    @Test func ruleSetCanBeBuiltWithoutSources() throws {
        let rules = try loadRules("version: 1\n")
        #expect(rules.sources.isEmpty && rules.targets.isEmpty && rules.rules.isEmpty)
    }

    @Test func compiledPatternsFollowEdits() throws {
        var rule = try #require(try loadRules(minimalRules).rules.first)
        #expect(rule.branchPatterns.matches("main"))
        rule.branches = ["develop"]
        #expect(!rule.branchPatterns.matches("main"))
        #expect(rule.branchPatterns.matches("develop"))
    }

    @Test func loadsTheExampleRulesFile() throws {
        let example = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("rules/example.yaml").path
        let rules: RuleSet
        do {
            rules = try RulesLoader.load(path: example)
        } catch {
            Issue.record("rules/example.yaml does not load:\n\(error)")
            return
        }
        #expect(Set(rules.sources.values.map(\.forge)) == Set(Forge.allCases))
        #expect(Set(rules.targets.values.map(\.provider)) == ["aws-apigateway", "aws-codedeploy", "aliyun-apigateway", "pulumi", "command"])
        #expect(rules.status.gitlab != nil)
        #expect(rules.sources["shop-gitlab"].map { !$0.tokens.isEmpty && !$0.signingSecrets.isEmpty } == true)
        #expect(rules.rules.contains { $0.on == .tag } && rules.rules.contains { !$0.paths.isEmpty })
        #expect(rules.rules.contains { $0.branches.contains { $0.hasPrefix("!") } || $0.paths.contains { $0.hasPrefix("!") } })
    }
}
