import BridgeCore
import BridgeProviders
import BridgeServer
import BridgeTestSupport
import Foundation
import Testing

/// `HookDoctor` against `GitHubFake`'s and `GitLabFake`'s hooks APIs (shared/reference/forge-apis.md): each
/// misconfiguration is an error with its fix; a sound hook is ok; what cannot be checked is said.
@Suite struct HookDoctorTests {
    static let publicURL = "https://hooks.example.com"

    static func rules(github: String, gitlab: String, status: String) throws -> RuleSet {
        try RulesLoader.load(files: [
            (
                path: "rules.yaml",
                contents: """
                version: 1
                sources:
                  shop: {forge: github, secret: env:S, recover: \(github)}
                  lab: {forge: gitlab, token: env:T, recover: \(gitlab)}
                  tea: {forge: gitea, secret: env:S}
                \(status)
                targets: {smoke: {provider: command, run: ["true"]}}
                rules:
                  - {name: r, source: shop, on: push, deploy: [smoke]}
                  - {name: t, source: lab, on: tag, deploy: [smoke]}
                """
            )
        ])
    }

    @Test func everyMisconfigurationIsAnErrorWithItsFix() async throws {
        try await withGitHubFake(GitHubFake()) { github in
            try await withGitLabFake(GitLabFake()) { gitlab in
                let rules = try Self.rules(
                    github: "{repositories: [acme/shop]}", gitlab: "{repositories: [acme/shop]}",
                    status: "status:\n  github: {url: \"\(github.baseURL)\", token: env:T}\n  gitlab: {url: \"\(gitlab.baseURL)\", token: env:T}")
                github.addHook(
                    GitHubFake.Hook(
                        url: "\(Self.publicURL)/hooks/shop", secret: nil, events: ["pull_request"], active: false, contentType: "form",
                        insecureSSL: true))
                gitlab.addHook(GitLabFake.Hook(url: "\(Self.publicURL)/hooks/lab", token: "t", tagPushEvents: false, alertStatus: "disabled"))
                let logs: [Forge: any HookLog] = [
                    .github: GitHubHookLog(
                        client: try GitHubClient(
                            baseURL: github.baseURL,
                            credentials: .token(Secret(bytes: Array(GitHubFake.defaultToken.utf8), reference: .environment("T"))),
                            httpClient: .forRecoveryTests)),
                    .gitlab: GitLabHookLog(
                        baseURL: gitlab.baseURL, token: Secret(bytes: Array(GitLabFake.defaultToken.utf8), reference: .environment("T")),
                        httpClient: .forRecoveryTests),
                ]
                let findings = await HookDoctor(rules: rules, logs: logs, publicURL: Self.publicURL).examine()
                let messages = findings.map(\.description)
                let expected = [
                    "error: lab: acme/shop hook 3001: tag push events are off",
                    "error: lab: acme/shop hook 3001: is not active (alert_status disabled)",
                    "error: shop: acme/shop hook 12000001: content type is form", "error: shop: acme/shop hook 12000001: push events are off",
                    "error: shop: acme/shop hook 12000001: has no secret", "error: shop: acme/shop hook 12000001: SSL verification is off",
                    "error: shop: acme/shop hook 12000001: is not active", "note: tea: cannot check",
                ]
                for text in expected { #expect(messages.contains { $0.hasPrefix(text) }, "\(text) in \(messages)") }
                #expect(findings.filter { $0.severity != .ok }.allSatisfy { $0.fix != nil })
                #expect(!findings.contains { $0.severity == .ok })
            }
        }
    }

    @Test func aSoundHookIsOkAndRecentFailuresAreAWarning() async throws {
        try await withGitHubFake(GitHubFake()) { github in
            let rules = try Self.rules(
                github: "{repositories: [acme/shop]}", gitlab: "false", status: "status:\n  github: {url: \"\(github.baseURL)\", token: env:T}")
            let closed = try ClosedPort()
            let hook = github.addHook(GitHubFake.Hook(url: "\(closed.url)/hooks/shop", secret: "s"))
            let logs: [Forge: any HookLog] = [
                .github: GitHubHookLog(
                    client: try GitHubClient(
                        baseURL: github.baseURL,
                        credentials: .token(Secret(bytes: Array(GitHubFake.defaultToken.utf8), reference: .environment("T"))),
                        httpClient: .forRecoveryTests))
            ]
            let doctor = HookDoctor(rules: rules, logs: logs, publicURL: closed.url)
            #expect(await doctor.examine(source: "shop").map(\.severity) == [.ok])
            await github.deliver(hook: hook, body: Array("{}".utf8))
            let findings = await doctor.examine(source: "shop")
            #expect(findings.map(\.severity) == [.warning])
            #expect(findings.first?.message == "acme/shop hook \(hook): 1 of 1 deliveries in the last 24h failed (newest: no answer)")
            // The hook no longer calls this source: an error saying where it should point.
            let moved = await HookDoctor(rules: rules, logs: logs, publicURL: Self.publicURL).examine(source: "shop")
            #expect(
                moved.first?.description
                    == "error: shop: acme/shop has no hook calling \(Self.publicURL)/hooks/shop\n  fix: add a webhook with URL \(Self.publicURL)/hooks/shop, or name an existing one with recover.hook"
            )
        }
    }

    @Test func withoutCredentialsItSaysWhatItCannotCheck() async throws {
        let rules = try Self.rules(
            github: "false", gitlab: "{repositories: [acme/shop]}", status: "status:\n  gitlab: {url: \"https://gitlab.example.com\", token: env:T}")
        let findings = await HookDoctor(rules: rules, logs: [:], publicURL: Self.publicURL).examine()
        #expect(
            findings.map(\.description) == [
                "note: lab: cannot check: no API credentials for gitlab\n  fix: add a status.gitlab block with a token",
                "note: shop: cannot check: the rules do not say whose hook calls this source\n  fix: add recover: {repositories: [owner/name]}",
                "note: tea: cannot check: gitea hooks are not read by this version\n  fix: check the hook on the forge by hand",
            ])
    }
}
