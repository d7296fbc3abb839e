import BridgeCore
import Foundation
import Testing

/// A source's `recover:` key, and `RecoveryPlan`'s choice of what to redeliver.
@Suite struct RecoverRulesTests {
    static func rules(_ github: String, gitlab: String = "false", status: String = StatusRulesTestsStatus.both) -> String {
        """
        version: 1
        sources:
          gh: {forge: github, secret: env:S, recover: \(github)}
          lab: {forge: gitlab, token: env:T, recover: \(gitlab)}
        \(status)
        targets:
          smoke: {provider: command, run: ["true"]}
        rules:
          - {name: r, source: gh, on: push, deploy: [smoke]}
        """
    }

    @Test func aRecoverBlockNamesRepositoriesOrganizationsAndAHook() throws {
        let set = try loadRules(Self.rules("{repositories: [acme/shop], organizations: [acme]}", gitlab: "{repositories: [group/sub/project]}"))
        let github = try #require(set.sources["gh"]?.recover)
        #expect(github.repositories == ["acme/shop"] && github.organizations == ["acme"] && github.hook == nil)
        #expect(github.owners == [.repository("acme/shop"), .organization("acme")])
        #expect(set.sources["lab"]?.recover?.repositories == ["group/sub/project"])
        #expect(github.position.line == 3)
    }

    @Test func falseTurnsRecoveryOff() throws {
        let set = try loadRules(Self.rules("false"))
        #expect(set.sources["gh"]?.recover == nil)
    }

    @Test(arguments: [
        ("true", "rules.yaml:3:47: sources.gh.recover: true says nothing of where the hook is"),
        ("{repositories: [shop]}", "rules.yaml:3:63: sources.gh.recover.repositories: \"shop\" is not owner/name"),
        ("{repositories: [\"acme/*\"]}", "is not owner/name (recover reads one hook each, so no globs)"),
        ("{hook: abc, repositories: [a/b]}", "rules.yaml:3:54: sources.gh.recover.hook must be the hook's numeric id"),
        ("{}", "sources.gh.recover names no repositories or organizations"),
        (
            "{hook: 12, repositories: [a/b, a/c]}",
            "rules.yaml:3:48: sources.gh.recover.hook names one hook, but 2 repositories and organizations are listed"
        ),
        ("{repos: [a/b]}", "rules.yaml:3:48: unknown key 'repos' in sources.gh.recover (did you mean repositories?)"),
    ])
    func aWrongRecoverBlockIsReportedWithItsPosition(yaml: String, expected: String) {
        let found = diagnostics(Self.rules(yaml))
        #expect(found.contains { $0.contains(expected) }, "\(found)")
    }

    @Test func gitlabHasNoOrganizationsAndOtherForgesNoRecovery() {
        let found = diagnostics(Self.rules("false", gitlab: "{organizations: [acme], repositories: [a/b]}"))
        #expect(found.contains { $0.contains("sources.lab.recover.organizations: GitLab project hooks are read per project") })
        let gitea = diagnostics(
            "version: 1\nsources:\n  tea: {forge: gitea, secret: env:S, recover: {repositories: [a/b]}}\ntargets: {}\nrules: []\n")
        #expect(gitea.contains { $0.contains("gitea keeps no delivery log the bridge can read") })
    }

    @Test func recoveryNeedsTheForgesAPICredentials() {
        let found = diagnostics(Self.rules("{repositories: [acme/shop]}", status: ""))
        #expect(
            found.contains { $0.hasPrefix("rules.yaml:3:") && $0.contains("sources.gh.recover needs API credentials: add a status.github block") })
    }

    // MARK: RecoveryPlan

    static func entry(_ key: String, _ status: Int?, id: String? = nil) -> HookDelivery {
        HookDelivery(
            id: id ?? "id-\(key)", key: key, deliveredAt: Date(timeIntervalSince1970: 1_700_000_000), statusCode: status, redelivery: false,
            event: "push")
    }

    @Test func onlyUnrecordedFailedDeliveriesAreRedelivered() {
        let log = [
            Self.entry("recorded", nil), Self.entry("down", nil), Self.entry("unavailable", 503), Self.entry("throttled", 429),
            Self.entry("refused", 401), Self.entry("accepted", 202), Self.entry("asked", nil),
        ]
        let plan = RecoveryPlan(log: log, recorded: ["recorded"], redeliveries: ["asked": 3, "down": 1])
        #expect(plan.missing.map(\.key) == ["down", "unavailable", "throttled"])
        let verdicts = Dictionary(uniqueKeysWithValues: plan.items.map { ($0.delivery.key, $0.verdict) })
        #expect(verdicts["recorded"] == .found)
        #expect(verdicts["refused"] == .skipped(reason: "answered 401: sent again it would be refused again"))
        #expect(verdicts["asked"] == .skipped(reason: "redelivery asked for 3 times already"))
    }

    @Test func aKeyIsDecidedOnceByItsNewestEntry() {
        // Newest first: the redelivery answered 202 after the first attempt failed; it is recorded, so found.
        let plan = RecoveryPlan(log: [Self.entry("k", 202, id: "2"), Self.entry("k", nil, id: "1")], recorded: ["k"], redeliveries: [:])
        #expect(plan.items.count == 1 && plan.items[0].delivery.id == "2" && plan.items[0].verdict == .found)
    }
}

/// A `status:` block giving GitHub and GitLab credentials.
enum StatusRulesTestsStatus {
    static let both = """
        status:
          github: {token: env:GITHUB_TOKEN}
          gitlab: {url: https://gitlab.example.com, token: env:GITLAB_TOKEN}
        """
}
