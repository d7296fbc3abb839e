import BridgeCore
import Foundation
import Testing

@Suite struct PlannerTests {
    static let rulesText = """
        version: 1
        sources:
          shop: {forge: github, secret: env:S}
          locked: {forge: gitlab, token: env:T, repositories: [acme/shop]}
          quiet: {forge: gitea, secret: env:Q}
        targets:
          api:
            provider: aws-apigateway
            region: eu-west-2
            rest_api_id: abc123
            stage: staging
            variables: {region: eu, commit: unset}
            canary: {percent_traffic: 10}
          smoke: {provider: command, run: [echo, "${sha}"], timeout: 5m}
        rules:
          - name: main-api
            source: shop
            on: push
            branches: [main, "release/*"]
            paths: ["api/**", "!**/*.md"]
            environment: staging
            deploy:
              - target: api
                description: "${repository}@${short_sha}"
                variables: {commit: "${sha}"}
                canary: null
              - smoke
          - name: any-main
            source: shop
            on: push
            branches: [main]
            deploy: [smoke]
          - name: release-tags
            source: shop
            on: tag
            tags: ["v*", "!v*-rc*"]
            environment: production
            deploy: [api]
          - name: not-legacy
            source: shop
            on: push
            branches: ["**", "!legacy/**"]
            repositories: [acme/shop]
            deploy: [smoke]
          - name: locked-all
            source: locked
            on: push
            deploy: [smoke]
        """

    static func ruleSet() throws -> RuleSet {
        try loadRules(rulesText)
    }

    static func push(
        _ branch: String, _ paths: [String] = [], repository: String = "acme/shop", truncated: Bool = false, deleted: Bool = false,
        forge: Forge = .github
    ) -> PushEvent {
        PushEvent(
            forge: forge, repository: repository, refKind: .branch, refName: branch, sha: deleted ? "" : "0123456789abcdef0123",
            deleted: deleted, changedPaths: ChangedPaths(paths), pathsTruncated: truncated)
    }

    static func tag(_ name: String) -> PushEvent {
        PushEvent(forge: .github, repository: "acme/shop", refKind: .tag, refName: name, sha: "fedcba9876543210fedc")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var source = "shop"
        var event: PushEvent
        var runs: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "main with an api change fires every matching rule", event: push("main", ["api/handler.go"]),
            runs: ["main-api", "any-main", "not-legacy"]),
        Case(name: "excluded path does not count", event: push("main", ["api/README.md"]), runs: ["any-main", "not-legacy"]),
        Case(name: "unrelated path", event: push("main", ["web/index.html"]), runs: ["any-main", "not-legacy"]),
        Case(
            name: "one counting path among others", event: push("main", ["api/README.md", "api/x.go"]),
            runs: ["main-api", "any-main", "not-legacy"]),
        Case(name: "release branch glob", event: push("release/1.2", ["api/x.go"]), runs: ["main-api", "not-legacy"]),
        Case(name: "* stays within a segment", event: push("release/1/2", ["api/x.go"]), runs: ["not-legacy"]),
        Case(name: "excluded branch", event: push("legacy/old", ["api/x.go"]), runs: []),
        Case(name: "rule repository filter", event: push("develop", ["api/x.go"], repository: "acme/web"), runs: []),
        Case(name: "tag glob", event: tag("v1.2.0"), runs: ["release-tags"]),
        Case(name: "excluded tag", event: tag("v1.3.0-rc1"), runs: []),
        Case(name: "tag not matching", event: tag("nightly"), runs: []),
        Case(name: "deletion never deploys", event: push("main", deleted: true), runs: []),
        Case(
            name: "truncated commit list matches the path filter", event: push("main", ["web/x.go"], truncated: true),
            runs: ["main-api", "any-main", "not-legacy"]),
        Case(name: "truncation does not bypass the branch filter", event: push("develop", [], truncated: true), runs: ["not-legacy"]),
        Case(name: "source allow-list", source: "locked", event: push("main", repository: "acme/web", forge: .gitlab), runs: []),
        Case(
            name: "source allow-list passes", source: "locked", event: push("main", repository: "acme/shop", forge: .gitlab),
            runs: ["locked-all"]),
        Case(name: "source without rules", source: "quiet", event: push("main", forge: .gitea), runs: []),
    ]

    @Test(arguments: cases)
    func matching(_ testCase: Case) throws {
        let rules = try Self.ruleSet()
        let source = try #require(rules.sources[testCase.source])
        let plan = Planner.plan(event: testCase.event, source: source, rules: rules)
        #expect(plan.runs.map(\.rule) == testCase.runs)
        #expect(plan.verdicts.filter(\.matched).map(\.rule) == testCase.runs)
        #expect(plan.verdicts.map(\.rule) == rules.rules.filter { $0.source == testCase.source }.map(\.name))
        #expect((plan.ignoredReason == nil) == !testCase.runs.isEmpty)
        #expect(plan.event == testCase.event)
    }

    func verdicts(_ event: PushEvent, source: String = "shop") throws -> [String: String] {
        let rules = try Self.ruleSet()
        let plan = Planner.plan(event: event, source: try #require(rules.sources[source]), rules: rules)
        return Dictionary(uniqueKeysWithValues: plan.verdicts.map { ($0.rule, $0.reason) })
    }

    @Test func reasonsSayWhyARuleDidNotMatch() throws {
        let branch = try verdicts(Self.push("develop", ["api/x.go"], repository: "acme/web"))
        #expect(branch["main-api"] == "branch develop does not match [main, release/*]")
        #expect(branch["release-tags"] == "on: tag but this is a branch push")
        #expect(branch["not-legacy"] == "repository acme/web is not in [acme/shop]")
        let paths = try verdicts(Self.push("main", ["api/README.md"]))
        #expect(paths["main-api"] == "no changed path matches [api/**, !**/*.md]")
        #expect(paths["any-main"] == "matched: branch main matches [main]")
        let empty = try verdicts(Self.push("main"))
        #expect(empty["main-api"] == "no changed path matches [api/**, !**/*.md] (the push lists no changed paths)")
        let tag = try verdicts(Self.tag("v1.3.0-rc1"))
        #expect(tag["release-tags"] == "tag v1.3.0-rc1 does not match [v*, !v*-rc*]")
        #expect(tag["any-main"] == "on: push but this is a tag push")
        let matched = try verdicts(Self.push("main", ["api/a.go", "api/b.go"]))
        #expect(matched["main-api"] == "matched: branch main matches [main, release/*]; changed path api/a.go matches [api/**, !**/*.md]")
    }

    @Test func truncatedCommitListMatchesAndSaysWhy() throws {
        let rules = try Self.ruleSet()
        let plan = Planner.plan(event: Self.push("main", ["web/x.go"], truncated: true), source: try #require(rules.sources["shop"]), rules: rules)
        let note = "commit list truncated by the forge: path filter [api/**, !**/*.md] could not be fully checked"
        #expect(plan.runs.first?.notes == [note])
        #expect(plan.verdicts.first?.reason == "matched: branch main matches [main, release/*]; \(note)")
        // A rule without a path filter has nothing to note, and neither has one that matched a listed path.
        #expect(plan.runs.dropFirst().allSatisfy { $0.notes.isEmpty })
        let listed = Planner.plan(event: Self.push("main", ["api/x.go"], truncated: true), source: try #require(rules.sources["shop"]), rules: rules)
        #expect(listed.runs.first?.notes == [])
    }

    @Test func deletionIsIgnoredWithItsReason() throws {
        let rules = try Self.ruleSet()
        let plan = Planner.plan(event: Self.push("main", deleted: true), source: try #require(rules.sources["shop"]), rules: rules)
        #expect(plan.ignoredReason == "branch main was deleted")
        #expect(plan.verdicts.first { $0.rule == "any-main" }?.reason == "branch main was deleted: deletions never deploy")
        #expect(plan.verdicts.first { $0.rule == "release-tags" }?.reason == "on: tag but this is a branch push")
    }

    @Test func repositoryOutsideTheSourceIsIgnored() throws {
        let rules = try Self.ruleSet()
        let plan = Planner.plan(
            event: Self.push("main", repository: "acme/web", forge: .gitlab), source: try #require(rules.sources["locked"]), rules: rules)
        let reason = "repository acme/web is not in [acme/shop], the repositories of source locked"
        #expect(plan.ignoredReason == reason)
        #expect(plan.verdicts == [RuleVerdict(rule: "locked-all", matched: false, reason: reason)])
    }

    @Test func noMatchSummarisesEveryRule() throws {
        let rules = try Self.ruleSet()
        let plan = Planner.plan(event: Self.tag("nightly"), source: try #require(rules.sources["shop"]), rules: rules)
        #expect(
            plan.ignoredReason
                == "no rule matched tag nightly of acme/shop (main-api: on: push but this is a tag push; any-main: on: push but this is a tag push; "
                + "release-tags: tag nightly does not match [v*, !v*-rc*]; not-legacy: on: push but this is a tag push)")
        let quiet = Planner.plan(event: Self.push("main", forge: .gitea), source: try #require(rules.sources["quiet"]), rules: rules)
        #expect(quiet.ignoredReason == "source quiet has no rules")
    }

    @Test func stepsLayStepKeysOverTargetKeys() throws {
        let rules = try Self.ruleSet()
        let plan = Planner.plan(event: Self.push("main", ["api/x.go"]), source: try #require(rules.sources["shop"]), rules: rules)
        let run = try #require(plan.runs.first)
        #expect(run.rule == "main-api")
        #expect(run.environment == "staging")
        #expect(run.steps.map(\.target) == ["api", "smoke"])
        #expect(run.steps.map(\.provider) == ["aws-apigateway", "command"])
        #expect(
            run.steps[0].parameters
                == .object([
                    "region": .string("eu-west-2"),
                    "rest_api_id": .string("abc123"),
                    "stage": .string("staging"),
                    "description": .string("${repository}@${short_sha}"),
                    // Maps merge key by key; the step wins where both set a key.
                    "variables": .object(["region": .string("eu"), "commit": .string("${sha}")]),
                    // Anything else, null included, replaces the target's value whole.
                    "canary": .null,
                ]))
        #expect(run.steps[1].parameters == .object(["run": .array([.string("echo"), .string("${sha}")]), "timeout": .string("5m")]))
    }

    @Test func deepMergeReachesNestedMaps() {
        let target = TargetDefinition(
            name: "backend", provider: "aws-codedeploy",
            parameters: [
                "revision": .object(["s3": .object(["bucket": .string("builds"), "bundle_type": .string("zip")])]), "tags": .array([.string("a")]),
            ],
            position: .init(file: "r.yaml", line: 1, column: 1))
        let step = StepDefinition(
            target: "backend",
            parameters: ["revision": .object(["s3": .object(["key": .string("shop/${sha}.zip")])]), "tags": .array([.string("b")])],
            position: .init(file: "r.yaml", line: 2, column: 1))
        #expect(
            Planner.parameters(target: target, step: step)
                == .object([
                    "revision": .object([
                        "s3": .object(["bucket": .string("builds"), "bundle_type": .string("zip"), "key": .string("shop/${sha}.zip")])
                    ]),
                    "tags": .array([.string("b")]),
                ]))
    }

    @Test func handBuiltRuleSetWithAMissingTargetDoesNotPlanARun() {
        let position = SourcePosition(file: "r.yaml", line: 1, column: 1)
        let source = SourceDefinition(name: "s", forge: .github, insecure: true, position: position)
        let rule = Rule(
            name: "r", source: "s", on: .branch, deploy: [StepDefinition(target: "gone", parameters: [:], position: position)], position: position)
        let rules = RuleSet(sources: ["s": source], status: StatusSettings(), targets: [:], rules: [rule], files: [])
        let plan = Planner.plan(event: Self.push("main"), source: source, rules: rules)
        #expect(plan.runs.isEmpty)
        #expect(plan.verdicts == [RuleVerdict(rule: "r", matched: false, reason: "deploy target gone is not defined")])
    }

    @Test func theExampleRoutesAPushToMain() throws {
        let rules = try loadRules(Self.exampleText(), file: "example.yaml")
        let event = PushEvent(
            forge: .github, repository: "acme/shop", refKind: .branch, refName: "main", sha: "0123456789abcdef0123",
            changedPaths: ["api/orders.go", "docs/api.md"])
        let plan = Planner.plan(event: event, source: try #require(rules.sources["shop-github"]), rules: rules)
        #expect(plan.runs.map(\.rule) == ["main-to-staging", "docs-everywhere"])
        // The README's try-out: a sample push to main deploys through a command, with nothing but the clone.
        #expect(plan.runs.first?.steps.map(\.target) == ["site"])
        #expect(plan.runs.first?.steps.first?.provider == "command")
    }

    /// Cloud targets are reached only when asked: a push to a release branch.
    @Test func theExampleRoutesAReleaseBranchToAWS() throws {
        let rules = try loadRules(Self.exampleText(), file: "example.yaml")
        let event = PushEvent(
            forge: .github, repository: "acme/shop", refKind: .branch, refName: "release/1.4", sha: "0123456789abcdef0123",
            changedPaths: ["api/orders.go"])
        let plan = Planner.plan(event: event, source: try #require(rules.sources["shop-github"]), rules: rules)
        #expect(plan.runs.map(\.rule) == ["release-to-aws"])
        #expect(plan.runs.first?.steps.map(\.target) == ["backend", "staging-api", "smoke"])
        #expect(
            plan.runs.first?.steps.first?.parameters["revision"]
                == .object(["s3": .object(["bucket": .string("shop-builds"), "bundle_type": .string("zip"), "key": .string("shop/${sha}.zip")])]))
    }

    static func exampleText() throws -> String {
        let path = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
        return try String(contentsOfFile: "/\(path)/rules/example.yaml", encoding: .utf8)
    }

    /// `environment: review/${branch}`: each branch's runs have an environment of their own (so one branch's push never
    /// supersedes another's), and the environment URL and the steps see it rendered.
    @Test func anEnvironmentTemplateGivesEachBranchItsOwnEnvironment() throws {
        let rules = try loadRules(
            """
            version: 1
            sources: {shop: {forge: github, secret: env:S}}
            status: {github: {token: env:GITHUB_TOKEN}}
            targets: {preview: {provider: command, run: [echo, "${environment}"]}}
            rules:
              - {name: previews, source: shop, on: push, environment: "review/${branch}",
                 environment_url: "https://${environment}.example.com", deploy: [preview]}
            """)
        let source = try #require(rules.sources["shop"])
        let runs = ["feature-a", "feature/b"].flatMap { Planner.plan(event: Self.push($0), source: source, rules: rules).runs }
        #expect(runs.map(\.environment) == ["review/feature-a", "review/feature/b"])
        #expect(runs.map(\.report.environmentURL) == ["https://review/feature-a.example.com", "https://review/feature/b.example.com"])
        let variables = TemplateVariables.make(
            event: Self.push("feature-a"), rule: "previews", environment: runs[0].environment, delivery: "", run: "")
        #expect(
            runs[0].steps[0].parameters.renderingTemplates(variables) == .object(["run": .array([.string("echo"), .string("review/feature-a")])]))
    }
}
