import BridgeCore
import Foundation
import Testing

@Suite struct RulesErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        /// `line:column` of the single expected diagnostic.
        var at: String
        /// A part of its message.
        var says: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "YAML syntax error",
            yaml: """
                version: 1
                sources: shop: github
                """,
            at: "2:14", says: "invalid YAML: mapping values are not allowed in this context"),
        Case(
            name: "duplicate key in one map",
            yaml: """
                version: 1
                sources:
                  shop: {forge: github, secret: env:A}
                  shop: {forge: gitea, secret: env:B}
                """,
            at: "3:3", says: "key 'shop' appears more than once in the same map"),
        Case(
            name: "unknown key, with a suggestion",
            yaml: """
                version: 1
                sources:
                  shop:
                    forge: github
                    secret: env:S
                    secrte: env:T
                """,
            at: "6:5", says: "unknown key 'secrte' in sources.shop (did you mean secret?)"),
        Case(
            name: "unknown top-level key",
            yaml: """
                version: 1
                target: {}
                """,
            at: "2:1", says: "unknown key 'target' in the top level (did you mean targets?)"),
        Case(
            name: "wrong type names the value",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}}
                rules:
                  - name: r
                    source: shop
                    on: push
                    branches: {main: true}
                    deploy: [api]
                """,
            at: "8:15", says: "rules.r.branches must be a string or a list of strings, found a map"),
        Case(
            name: "missing required key names the rule",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}}
                rules:
                  - name: r
                    source: shop
                    deploy: [api]
                """,
            at: "5:5", says: "rules.r is missing required key 'on'"),
        Case(
            name: "missing provider key names the target",
            yaml: """
                version: 1
                targets:
                  backend:
                    provider: aws-codedeploy
                    region: eu-west-2
                    application: shop
                """,
            at: "3:3", says: "target backend (aws-codedeploy): missing required key deployment_group"),
        Case(
            name: "literal secret",
            yaml: """
                version: 1
                sources:
                  shop:
                    forge: github
                    secret: hunter2-correct-horse
                """,
            at: "5:13", says: "sources.shop.secret holds a literal secret"),
        Case(
            name: "literal secret in a target key",
            yaml: """
                version: 1
                targets:
                  stack: {provider: pulumi, organization: acme, project: shop, stack: prod, token: pul-hunter2-correct-horse}
                """,
            at: "3:84", says: "targets.stack.token holds a literal secret"),
        Case(
            name: "literal secret nested in a step",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {stack: {provider: pulumi, organization: acme, project: shop, stack: prod, token: env:P}}
                rules:
                  - name: r
                    source: shop
                    on: push
                    deploy:
                      - target: stack
                        source:
                          git_auth: {access_token: hunter2-correct-horse}
                """,
            at: "11:36", says: "rules.r.deploy[0].source.git_auth.access_token holds a literal secret"),
        Case(
            name: "template in a file: reference of a target",
            yaml: """
                version: 1
                targets:
                  stack: {provider: pulumi, organization: acme, project: shop, stack: prod, token: "file:/run/${branch}"}
                """,
            at: "3:84", says: "targets.stack.token must not contain a template"),
        Case(
            name: "template in a secret reference of a step",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {stack: {provider: pulumi, organization: acme, project: shop, stack: prod, token: env:P}}
                rules:
                  - name: r
                    source: shop
                    on: push
                    deploy:
                      - target: stack
                        source:
                          git_auth: {access_token: "file:/secrets/${pusher}/token"}
                """,
            at: "11:36", says: "rules.r.deploy[0].source.git_auth.access_token must not contain a template"),
        Case(
            name: "template in a command's secret environment entry",
            yaml: """
                version: 1
                targets:
                  site: {provider: command, run: [./deploy.sh], env: {API_TOKEN: "file:/tokens/${environment}"}}
                """,
            at: "3:66", says: "targets.site.env.API_TOKEN must not contain a template"),
        Case(
            name: "template in a source's secret",
            yaml: """
                version: 1
                sources:
                  shop: {forge: github, secret: "file:/run/${tag}"}
                """,
            at: "3:33", says: "sources.shop.secret must not contain a template"),
        Case(
            name: "unknown source reference",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}}
                rules:
                  - name: r
                    source: shpo
                    on: push
                    deploy: [api]
                """,
            at: "6:13", says: "rule r refers to unknown source 'shpo' (did you mean shop?); defined: shop"),
        Case(
            name: "unknown target reference",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}}
                rules:
                  - name: r
                    source: shop
                    on: push
                    deploy:
                      - target: apii
                """,
            at: "9:17", says: "unknown target 'apii' in rules.r.deploy[0] (did you mean api?); defined: api"),
        Case(
            name: "unknown template variable in a target",
            yaml: """
                version: 1
                targets:
                  smoke:
                    provider: command
                    run: [echo, "${repository}@${commit}"]
                """,
            at: "5:17", says: "targets.smoke.run[1]: unknown template variable ${commit}"),
        Case(
            name: "unterminated template in a step",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}}
                rules:
                  - name: r
                    source: shop
                    on: push
                    deploy:
                      - target: api
                        variables:
                          commit: "${sha"
                """,
            at: "11:19", says: "rules.r.deploy[0].variables.commit: unterminated ${ in template"),
        Case(
            name: "bad on",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}}
                rules:
                  - name: r
                    source: shop
                    on: merge
                    deploy: [api]
                """,
            at: "7:9", says: "rules.r.on must be push (branch updates) or tag (tag pushes), found 'merge'"),
        Case(
            name: "branches with on: tag",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}}
                rules:
                  - name: r
                    source: shop
                    on: tag
                    branches: [main]
                    deploy: [api]
                """,
            at: "8:5", says: "rules.r: branches applies only to on: push"),
        Case(
            name: "source without secret and not insecure",
            yaml: """
                version: 1
                sources:
                  shop:
                    forge: gitlab
                """,
            at: "3:3", says: "source shop has no token or signing_secret"),
        Case(
            name: "insecure together with a secret",
            yaml: """
                version: 1
                sources:
                  shop:
                    forge: github
                    secret: env:S
                    insecure: true
                """,
            at: "6:5", says: "sources.shop sets both insecure: true and secret"),
        Case(
            name: "paths with on: tag",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}}
                rules:
                  - name: r
                    source: shop
                    on: tag
                    paths: ["api/**"]
                    deploy: [api]
                """,
            at: "8:5", says: "rules.r: paths applies only to on: push"),
        Case(
            name: "step cannot change the provider",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}}
                rules:
                  - name: r
                    source: shop
                    on: push
                    deploy:
                      - {target: api, provider: command}
                """,
            at: "9:23", says: "rules.r.deploy[0] cannot set provider"),
        Case(
            name: "step keys are checked against the target's provider",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {smoke: {provider: command, run: [echo]}}
                rules:
                  - name: r
                    source: shop
                    on: push
                    deploy:
                      - {target: smoke, run: "echo hi"}
                """,
            at: "9:30", says: "rules.r.deploy[0].run must be a non-empty list of strings (one argument each, no shell), found a string"),
        Case(
            name: "environment template using what is not known when the run is planned",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}}
                rules:
                  - {name: r, source: shop, on: push, environment: "review/${run}", deploy: [api]}
                """,
            at: "5:52", says: "rules.r.environment cannot use ${run}: the environment is chosen when the run is planned, before it is known"),
        Case(
            name: "environment template using itself",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}}
                rules:
                  - {name: r, source: shop, on: push, environment: "x-${environment}", deploy: [api]}
                """,
            at: "5:52", says: "rules.r.environment cannot use ${environment}: it is the environment itself"),
        Case(
            name: "environment template using the branch on a tag rule",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}}
                rules:
                  - {name: r, source: shop, on: tag, environment: "review/${branch}", deploy: [api]}
                """,
            at: "5:51", says: "rules.r.environment cannot use ${branch}: it is empty for every run of an on: tag rule"),
        Case(
            name: "environment template using the tag on a push rule",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}}
                rules:
                  - {name: r, source: shop, on: push, environment: "review/${tag}", deploy: [api]}
                """,
            at: "5:52", says: "rules.r.environment cannot use ${tag}: it is empty for every run of an on: push rule"),
        Case(
            name: "environment template with an unknown variable",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}}
                rules:
                  - {name: r, source: shop, on: push, environment: "review/${branchh}", deploy: [api]}
                """,
            at: "5:52", says: "rules.r.environment: unknown template variable ${branchh}"),
        Case(
            name: "duplicate rule names in one file",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                targets: {api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}}
                rules:
                  - {name: r, source: shop, on: push, deploy: [api]}
                  - {name: r, source: shop, on: tag, deploy: [api]}
                """,
            at: "6:5", says: "rule r is defined twice: here and at rules.yaml:5:5"),
        Case(
            name: "key of another forge",
            yaml: """
                version: 1
                sources:
                  shop:
                    forge: github
                    token: env:T
                """,
            at: "5:5", says: "'token' does not apply to forge github in sources.shop: a github source uses secret, allow_sha1"),
        Case(
            name: "unknown forge",
            yaml: """
                version: 1
                sources:
                  shop: {forge: gitlob, token: env:T}
                """,
            at: "3:17", says: "unknown forge 'gitlob' in sources.shop.forge (did you mean gitlab?)"),
        Case(
            name: "source name that is not URL-path-safe",
            yaml: """
                version: 1
                sources:
                  shop/github: {forge: github, secret: env:S}
                """,
            at: "3:3", says: "source name 'shop/github' is not URL-path-safe"),
        Case(
            name: "unknown provider lists the known ones",
            yaml: """
                version: 1
                targets:
                  api: {provider: aws-lambda}
                """,
            at: "3:19",
            says:
                "unknown provider 'aws-lambda' in targets.api.provider; expected one of: aliyun-apigateway, aws-apigateway, aws-codedeploy, command, pulumi"
        ),
        Case(
            name: "aliyun stage",
            yaml: """
                version: 1
                targets:
                  cn: {provider: aliyun-apigateway, region: cn-hangzhou, group_id: g, api_id: a, stage: PROD}
                """,
            at: "3:89", says: "target cn (aliyun-apigateway): stage must be one of RELEASE, PRE, TEST, found \"PROD\""),
        Case(
            name: "command timeout",
            yaml: """
                version: 1
                targets:
                  smoke: {provider: command, run: [true], timeout: 30}
                """,
            at: "3:52", says: "targets.smoke.timeout must be a duration such as 30s, 5m, 1h or 1h30m, found '30'"),
        Case(
            name: "empty deploy",
            yaml: """
                version: 1
                sources: {shop: {forge: github, secret: env:S}}
                rules:
                  - {name: r, source: shop, on: push, deploy: []}
                """,
            at: "4:47", says: "rules.r.deploy must be a non-empty list of steps"),
        Case(
            name: "status url",
            yaml: """
                version: 1
                status:
                  gitlab: {url: gitlab.example.com, token: env:T}
                """,
            at: "3:17", says: "status.gitlab.url must be an http:// or https:// URL with a host"),
        Case(
            name: "malformed glob",
            yaml: """
                version: 1
                sources:
                  shop: {forge: github, secret: env:S, repositories: ["acme/[shop"]}
                """,
            at: "3:55", says: "sources.shop.repositories: unterminated [ character class"),
    ]

    @Test(arguments: cases)
    func reportsOneProblemAtItsPosition(_ testCase: Case) throws {
        let found = diagnostics(testCase.yaml)
        try #require(found.count == 1, "\(found)")
        #expect(found[0].hasPrefix("rules.yaml:\(testCase.at): "), "\(found[0])")
        #expect(found[0].contains(testCase.says), "\(found[0])")
    }

    @Test func abbreviatedKeysGetASuggestion() {
        let found = diagnostics("version: 1\nsources:\n  shop: {forge: github, secret: env:S, repos: [acme/shop]}\n")
        #expect(found.first?.contains("unknown key 'repos' in sources.shop (did you mean repositories?)") == true, "\(found)")
    }

    @Test func literalSecretsAreNeverEchoed() {
        let yaml = """
            version: 1
            sources:
              shop: {forge: github, secret: hunter2-correct-horse}
              lab: {forge: gitlab, token: "env:not a name hunter2"}
            status:
              gitlab: {url: "https://gitlab.example.com", token: hunter2-correct-horse}
            targets:
              stack: {provider: pulumi, organization: a, project: b, stack: c, token: hunter2-correct-horse}
              run: {provider: command, run: [env], env: {DB_PASSWORD: hunter2-correct-horse, API_TOKEN: 123456789}}
            """
        let found = diagnostics(yaml)
        #expect(found.count == 6, "\(found)")
        for line in found {
            #expect(!line.contains("hunter2"))
            #expect(!line.contains("123456789"))
        }
    }

    @Test func syntaxErrorsDoNotQuoteTheFile() {
        let found = diagnostics(
            """
            version: 1
            sources:
              shop: {forge: github, secret: hunter2: correct-horse}
            """)
        #expect(found.count == 1)
        #expect(found.allSatisfy { $0.hasPrefix("rules.yaml:3:") && !$0.contains("hunter2") }, "\(found)")
    }

    @Test func oneLoadReportsEveryProblem() {
        let yaml = """
            version: 1
            sources:
              shop:
                forge: github
                secret: hunter2-correct-horse
                repos: [acme/shop]
            targets:
              smoke: {provider: command, run: [echo, "${shaa}"]}
            rules:
              - name: r
                source: shop
                on: merge
                deploy: [smoek]
            """
        let found = diagnostics(yaml)
        #expect(
            found.map { $0.split(separator: " ").first.map(String.init) ?? "" } == [
                "rules.yaml:5:13:", "rules.yaml:6:5:", "rules.yaml:8:42:", "rules.yaml:12:9:", "rules.yaml:13:14:",
            ])
        #expect(found.count == 5, "\(found.joined(separator: "\n"))")
    }

    @Test func duplicateNamesAcrossFilesNameBothPlaces() throws {
        let directory = try TemporaryDirectory()
        let first = try directory.write(
            "a.yaml",
            """
            version: 1
            sources:
              shop: {forge: github, secret: env:A}
            targets:
              api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: x}
            rules:
              - {name: deploy, source: shop, on: push, deploy: [api]}
            """)
        let second = try directory.write(
            "b.yaml",
            """
            version: 1
            sources:
              shop: {forge: gitea, secret: env:B}
            targets:
              api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: y}
            rules:
              - {name: deploy, source: shop, on: tag, deploy: [api]}
            """)
        let error = #expect(throws: RulesError.self) { try RulesLoader.load(path: directory.path) }
        #expect(
            error?.diagnostics.map(\.description) == [
                "\(second):3:3: source shop is defined twice: here and at \(first):3:3",
                "\(second):5:3: target api is defined twice: here and at \(first):5:3",
                "\(second):7:5: rule deploy is defined twice: here and at \(first):7:5",
            ])
    }

    @Test func descriptionIsOneLinePerProblem() {
        let error = RulesError(diagnostics: [
            .init(position: .init(file: "a.yaml", line: 2, column: 3), message: "first"),
            .init(position: .init(file: "dir", line: 0, column: 0), message: "second"),
        ])
        #expect(error.description == "a.yaml:2:3: first\ndir: second")
    }
}
