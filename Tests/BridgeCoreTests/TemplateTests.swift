import BridgeCore
import Testing

@Suite struct TemplateTests {
    let variables = ["repository": "acme/shop", "short_sha": "abc1234", "sha": "abc1234def", "branch": "main"]

    @Test func rendersVariables() throws {
        let template = try Template("deploy ${repository}@${short_sha} from ${branch}")
        #expect(template.render(variables) == "deploy acme/shop@abc1234 from main")
        #expect(template.variables == ["repository", "short_sha", "branch"])
        #expect(!template.isConstant)
    }

    @Test(arguments: [
        ("$$", "$"),
        ("$${sha}", "${sha}"),
        ("cost: 5$", "cost: 5$"),
        ("$HOME/bin", "$HOME/bin"),
        ("a$$$${sha}", "a$${sha}"),
        ("$$${sha}", "$abc1234def"),
        ("", ""),
        ("plain", "plain"),
    ])
    func dollarEscapes(_ text: String, _ rendered: String) throws {
        #expect(try Template(text).render(variables) == rendered)
    }

    @Test func variableMissingFromTheValuesRendersEmpty() throws {
        #expect(try Template("[${tag}]").render([:]) == "[]")
    }

    @Test func unterminated() {
        #expect(throws: TemplateError.unterminated) { try Template("shop/${sha.zip") }
    }

    @Test func emptyName() {
        #expect(throws: TemplateError.emptyName) { try Template("${}") }
    }

    @Test func unknownVariableSuggestsTheClosest() {
        #expect(throws: TemplateError.unknownVariable("shaa", suggestion: "sha")) { try Template("${shaa}") }
        #expect(throws: TemplateError.unknownVariable("commit", suggestion: nil)) { try Template("${commit}") }
    }

    @Test func unknownVariableMessageListsTheKnownOnes() {
        let message = TemplateError.unknownVariable("shaa", suggestion: "sha").description
        #expect(message.hasPrefix("unknown template variable ${shaa} (did you mean ${sha}?); known: ${sha} ${short_sha}"))
    }

    @Test func everyDocumentedVariableIsKnown() throws {
        let text = TemplateVariables.names.map { "${\($0)}" }.joined(separator: " ")
        #expect(try Template(text).variables == TemplateVariables.names)
        #expect(TemplateVariables.names.count == 12)
    }

    @Test func variablesOfABranchPush() {
        let event = PushEvent(
            forge: .github, repository: "acme/shop", refKind: .branch, refName: "release/1.2", sha: "0123456789abcdef",
            pusher: "octocat", cloneURL: "https://github.com/acme/shop.git")
        let values = TemplateVariables.make(event: event, rule: "main-to-staging", environment: "staging", delivery: "d-1", run: "42")
        #expect(
            values == [
                "sha": "0123456789abcdef", "short_sha": "0123456", "ref": "refs/heads/release/1.2", "branch": "release/1.2",
                "tag": "", "repository": "acme/shop", "clone_url": "https://github.com/acme/shop.git", "pusher": "octocat",
                "delivery": "d-1", "rule": "main-to-staging", "environment": "staging", "run": "42",
            ])
    }

    @Test func variablesOfATagPush() {
        let event = PushEvent(forge: .gitlab, repository: "acme/shop", refKind: .tag, refName: "v1.2.0", sha: "fedcba9876543210")
        let values = TemplateVariables.make(event: event, rule: "release", environment: nil, delivery: "d-2", run: "7")
        #expect(values["tag"] == "v1.2.0")
        #expect(values["branch"] == "")
        #expect(values["ref"] == "refs/tags/v1.2.0")
        #expect(values["environment"] == "")
    }

    @Test func rendersEveryStringOfAConfigValueTree() {
        let value = ConfigValue.object([
            "description": .string("${repository}@${short_sha}"),
            "revision": .object(["s3": .object(["key": .string("shop/${sha}.zip"), "bucket": .string("builds")])]),
            "run": .array([.string("echo"), .string("$${sha} is ${sha}")]),
            "count": .int(3),
            "flag": .bool(true),
        ])
        #expect(
            value.renderingTemplates(variables)
                == .object([
                    "description": .string("acme/shop@abc1234"),
                    "revision": .object(["s3": .object(["key": .string("shop/abc1234def.zip"), "bucket": .string("builds")])]),
                    "run": .array([.string("echo"), .string("${sha} is abc1234def")]),
                    "count": .int(3),
                    "flag": .bool(true),
                ]))
    }

    /// A reference under a secret-named key is never rendered, even if one slipped past the loader (a run queued by an
    /// older version): push data must not choose which file or variable the worker reads.
    @Test func leavesSecretReferencesUnrendered() {
        let value = ConfigValue.object([
            "token": .string("file:/run/${branch}"),
            "env": .object(["API_TOKEN": .string("file:/tokens/${sha}"), "SITE": .string("${repository}")]),
            "credentials": .object(["username": .string("${branch}"), "password": .string("file:/p/${sha}")]),
        ])
        #expect(
            value.renderingTemplates(variables)
                == .object([
                    "token": .string("file:/run/${branch}"),
                    "env": .object(["API_TOKEN": .string("file:/tokens/${sha}"), "SITE": .string("acme/shop")]),
                    "credentials": .object(["username": .string("main"), "password": .string("file:/p/${sha}")]),
                ]))
    }
}

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("30s", Duration.seconds(30)), ("5m", .seconds(300)), ("1h", .seconds(3600)), ("1h30m", .seconds(5400)),
        ("250ms", .milliseconds(250)), ("2m30s", .seconds(150)),
    ])
    func parses(_ text: String, _ duration: Duration) {
        #expect(Duration(configText: text) == duration)
    }

    @Test(arguments: ["", "30", "5 m", "1d", "0s", "m", "-5s", "1.5h"])
    func rejects(_ text: String) {
        #expect(Duration(configText: text) == nil)
    }
}
