import BridgeCore
import Testing

/// `status:` blocks for every forge, a rule's `report:`, and what each run is planned to tell its forge.
@Suite struct StatusRulesTests {
    static func rules(status: String, rules: String) -> String {
        """
        version: 1
        sources:
          gh: {forge: github, secret: env:S}
          lab: {forge: gitlab, token: env:T}
          tea: {forge: gitea, secret: env:S}
          jo: {forge: forgejo, secret: env:S}
          bb: {forge: bitbucket, secret: env:S}
        status:
        \(status)
        targets:
          smoke: {provider: command, run: ["true"]}
        rules:
        \(rules)
        """
    }

    static let everyForge = """
          github: {app_id: "12345", private_key: file:/run/secrets/app.pem}
          gitlab: {url: https://gitlab.example.com, token: env:GITLAB_TOKEN}
          gitea: {url: https://git.example.com/gitea/, token: env:GITEA_TOKEN}
          forgejo: {url: https://codeberg.example.org, token: env:FORGEJO_TOKEN}
          bitbucket: {username: deployer, app_password: env:BB_APP_PASSWORD}
        """

    static func rule(_ name: String, source: String, _ extra: String = "") -> String {
        "  - {name: \(name), source: \(source), on: push, deploy: [smoke]\(extra.isEmpty ? "" : ", " + extra)}"
    }

    @Test func everyForgeHasAStatusBlockWithItsDefaultsAndCredentials() throws {
        let set = try loadRules(Self.rules(status: Self.everyForge, rules: Self.rule("r", source: "gh")))
        let github = try #require(set.status[.github])
        #expect(github.url == "https://api.github.com")
        #expect(github.appID == "12345" && github.privateKey == .file("/run/secrets/app.pem") && github.token == nil)
        #expect(set.status[.gitea]?.url == "https://git.example.com/gitea")
        #expect(set.status[.forgejo]?.token == .environment("FORGEJO_TOKEN"))
        #expect(set.status[.bitbucket]?.url == "https://api.bitbucket.org")
        #expect(set.status[.bitbucket]?.username == "deployer")
        #expect(set.status[.gitlab]?.url == "https://gitlab.example.com")
    }

    @Test func aBlockWithoutCredentialsOrWithUnknownKeysIsAnErrorWithItsPlace() {
        let found = diagnostics(
            Self.rules(
                status: """
                      github: {url: https://ghe.example.com/api/v3, app_id: "1"}
                      gitea: {token: env:X, secret: env:Y}
                      bitbucket: {token: hunter2}
                    """, rules: Self.rule("r", source: "gh")))
        #expect(found.contains { $0.hasPrefix("rules.yaml:9:3: status.github needs credentials: token, or app_id + private_key") }, "\(found)")
        #expect(found.contains { $0.contains("status.gitea") && $0.contains("url") }, "\(found)")
        #expect(found.contains { $0.contains("status.gitea") && $0.contains("secret") }, "\(found)")
        #expect(found.contains { $0.contains("status.bitbucket.token") }, "\(found)")
        #expect(!found.joined().contains("hunter2"))
    }

    @Test func reportAsksOnlyForWhatTheForgeShows() {
        let found = diagnostics(
            Self.rules(
                status: Self.everyForge,
                rules: [
                    Self.rule("tea-deploys", source: "tea", "environment: prod, report: deployment"),
                    Self.rule("gh-no-env", source: "gh", "report: both"),
                    Self.rule("bad-mode", source: "gh", "report: sometimes"),
                    Self.rule("url-run", source: "gh", "environment: prod, environment_url: \"https://x/${run}\""),
                ].joined(separator: "\n")))
        #expect(found.contains { $0.contains("rule tea-deploys: gitea shows no deployments; use report: commit-status") }, "\(found)")
        #expect(found.contains { $0.contains("rule gh-no-env: report: both needs an environment") }, "\(found)")
        #expect(found.contains { $0.contains("must be one of deployment, commit-status, both, none, found 'sometimes'") }, "\(found)")
        #expect(found.contains { $0.contains("environment_url cannot use ${run}") }, "\(found)")
    }

    @Test func eachForgeReportsWhatItShowsBestByDefault() throws {
        let set = try loadRules(
            Self.rules(
                status: Self.everyForge,
                rules: [
                    Self.rule("gh-env", source: "gh", "environment: staging"),
                    Self.rule("gh-bare", source: "gh"),
                    Self.rule("gh-both", source: "gh", "environment: prod, report: both, production_environment: true"),
                    Self.rule("gh-none", source: "gh", "environment: prod, report: none"),
                    Self.rule("lab-env", source: "lab", "environment: staging"),
                    Self.rule("lab-bare", source: "lab"),
                    Self.rule("tea", source: "tea", "environment: staging"),
                    Self.rule("jo", source: "jo"),
                    Self.rule("bb", source: "bb", "environment: staging"),
                ].joined(separator: "\n")))
        let reporters = Dictionary(
            uniqueKeysWithValues: set.rules.map { rule in
                (rule.name, RunReport.reporters(of: rule, forge: set.sources[rule.source]?.forge ?? .github))
            })
        #expect(reporters["gh-env"] == ["github-deployment"])
        #expect(reporters["gh-bare"] == ["github-status"])
        #expect(reporters["gh-both"] == ["github-deployment", "github-status"])
        #expect(reporters["gh-none"] == [])
        #expect(reporters["lab-env"] == ["gitlab"])
        #expect(reporters["lab-bare"] == [])
        #expect(reporters["tea"] == ["gitea"])
        #expect(reporters["jo"] == ["forgejo"])
        #expect(reporters["bb"] == ["bitbucket"])
        #expect(
            StatusNotes.notes(for: set) == [
                "rules.yaml:\(set.rules[5].position.line):\(set.rules[5].position.column): rule lab-bare reports no status: gitlab shows deployments only in an environment, and the rule names none"
            ])
    }

    @Test func aPlannedRunCarriesItsReportWithTheEnvironmentURLRendered() throws {
        let set = try loadRules(
            Self.rules(
                status: Self.everyForge,
                rules: Self.rule(
                    "preview", source: "gh",
                    "environment: preview, environment_url: \"https://${branch}.preview.example.com/${short_sha}\", transient_environment: true")))
        let event = PushEvent(forge: .github, repository: "acme/shop", refKind: .branch, refName: "feature-x", sha: "0123456789abcdef0123")
        let plan = Planner.plan(event: event, source: try #require(set.sources["gh"]), rules: set)
        let report = try #require(plan.runs.first?.report)
        #expect(
            report
                == RunReport(
                    reporters: ["github-deployment"], environmentURL: "https://feature-x.preview.example.com/0123456", production: nil,
                    transient: true))
    }

    @Test func aSourceWhoseForgeHasNoStatusBlockReportsNothingAndCheckSaysSo() throws {
        let set = try loadRules(
            Self.rules(status: "  gitlab: {url: https://gitlab.example.com, token: env:T}", rules: Self.rule("r", source: "gh", "environment: prod")))
        let event = PushEvent(forge: .github, repository: "acme/shop", refKind: .branch, refName: "main", sha: "0123456789abcdef0123")
        #expect(Planner.plan(event: event, source: try #require(set.sources["gh"]), rules: set).runs.first?.report == RunReport.none)
        let notes = StatusNotes.notes(for: set)
        #expect(notes.count == 1)
        #expect(notes.first?.hasSuffix("source gh (github) reports no status: the rules have no status.github block") == true, "\(notes)")
    }

    @Test func bitbucketKeysStayWithinFortyCharactersAndApart() {
        #expect(StatusContext.key(rule: "main", environment: "staging") == "gitops-bridge-main-staging")
        let long = StatusContext.key(rule: "a-very-long-rule-name-for-the-billing-service", environment: "production")
        let other = StatusContext.key(rule: "a-very-long-rule-name-for-the-billing-service", environment: "production-eu")
        #expect(long.utf8.count <= 40 && other.utf8.count <= 40 && long != other)
        #expect(StatusContext.name(rule: "main") == "gitops-bridge/main")
    }
}
