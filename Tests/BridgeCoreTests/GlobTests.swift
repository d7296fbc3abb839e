import BridgeCore
import Testing

@Suite struct GlobTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var pattern: String
        var text: String
        var matches: Bool
        var testDescription: String { "\(pattern) \(matches ? "~" : "!~") \(text)" }
    }

    static let cases: [Case] = [
        .init(pattern: "main", text: "main", matches: true),
        .init(pattern: "main", text: "mainline", matches: false),
        .init(pattern: "release/*", text: "release/1.2", matches: true),
        .init(pattern: "release/*", text: "release/1/2", matches: false),
        .init(pattern: "release/*", text: "release", matches: false),
        .init(pattern: "*", text: "feature/x", matches: false),
        .init(pattern: "**", text: "feature/x", matches: true),
        .init(pattern: "api/**", text: "api/x/y.go", matches: true),
        .init(pattern: "api/**", text: "api/x", matches: true),
        .init(pattern: "api/**", text: "apix/y", matches: false),
        .init(pattern: "api/**", text: "api", matches: false),
        .init(pattern: "**/*.md", text: "README.md", matches: true),
        .init(pattern: "**/*.md", text: "a/b/c.md", matches: true),
        .init(pattern: "**/*.md", text: "a/b/c.mdx", matches: false),
        .init(pattern: "a/**/b", text: "a/b", matches: true),
        .init(pattern: "a/**/b", text: "a/x/y/b", matches: true),
        .init(pattern: "a/**/b", text: "a/xb", matches: false),
        .init(pattern: "foo**bar", text: "foo/x/bar", matches: true),
        .init(pattern: "*.go", text: "main.go", matches: true),
        .init(pattern: "*.go", text: "cmd/main.go", matches: false),
        .init(pattern: "v*", text: "v1.2.0", matches: true),
        .init(pattern: "v?.*", text: "v1.2", matches: true),
        .init(pattern: "v?", text: "v10", matches: false),
        .init(pattern: "?", text: "/", matches: false),
        .init(pattern: "[abc]x", text: "bx", matches: true),
        .init(pattern: "[abc]x", text: "dx", matches: false),
        .init(pattern: "[a-c]x", text: "cx", matches: true),
        .init(pattern: "[!a-c]x", text: "dx", matches: true),
        .init(pattern: "[!a-c]x", text: "ax", matches: false),
        .init(pattern: "[]]", text: "]", matches: true),
        .init(pattern: "\\*", text: "*", matches: true),
        .init(pattern: "\\*", text: "a", matches: false),
        .init(pattern: "café/*", text: "café/menu", matches: true),
        .init(pattern: "acme/*", text: "acme/sub/project", matches: false),
        .init(pattern: "acme/**", text: "acme/sub/project", matches: true),
        // The literal head and tail are checked first: they may overlap in a short text, and a tail can end in a class.
        .init(pattern: "ab*ba", text: "aba", matches: false),
        .init(pattern: "ab*ba", text: "abba", matches: true),
        .init(pattern: "a**a", text: "a", matches: false),
        .init(pattern: "api/**/*.go", text: "api/x.go", matches: true),
        .init(pattern: "api/**/*.go", text: "api/x.goo", matches: false),
        .init(pattern: "docs/[ab]", text: "docs/b", matches: true),
        .init(pattern: "é*é", text: "é", matches: false),
        .init(pattern: "é*é", text: "éxé", matches: true),
        .init(pattern: "main", text: "mai", matches: false),
    ]

    @Test(arguments: cases)
    func matching(_ testCase: Case) throws {
        let glob = try Glob(testCase.pattern)
        #expect(glob.matches(testCase.text) == testCase.matches)
    }

    @Test(arguments: ["", "[abc", "abc\\", "[z-a]"])
    func rejectsMalformedPatterns(_ pattern: String) {
        #expect(throws: GlobError.self) { try Glob(pattern) }
    }

    @Test func longInputsMatchWithoutBacktrackingBlowUp() throws {
        let glob = try Glob("**a**a**a**a**b")
        #expect(!glob.matches(String(repeating: "a", count: 400)))
    }
}

@Suite struct PatternListTests {
    @Test func emptyListMatchesEverything() {
        #expect(PatternList([]).matches("anything/at/all"))
    }

    @Test func excludeOnlyListMatchesEverythingElse() {
        let list = PatternList(["!docs/**"])
        #expect(list.matches("src/main.swift"))
        #expect(!list.matches("docs/index.md"))
    }

    @Test func includeAndExclude() {
        let list = PatternList(["api/**", "!**/*.md"])
        #expect(list.matches("api/handler.go"))
        #expect(!list.matches("api/README.md"))
        #expect(!list.matches("web/index.html"))
    }

    @Test func escapedBangIsALiteralInclude() {
        let list = PatternList(["\\!important"])
        #expect(list.matches("!important"))
        #expect(!list.matches("important"))
    }

    @Test func describesItselfAsWritten() {
        #expect(PatternList(["main", "release/*", "!release/old"]).description == "[main, release/*, !release/old]")
    }

    @Test func validation() {
        #expect(PatternList.validate("release/*") == nil)
        #expect(PatternList.validate("!") == "empty exclude pattern: write !<glob>")
        #expect(PatternList.validate("[ab")?.contains("unterminated [") == true)
    }

    @Test func lenientCompilationMatchesMalformedPatternsLiterally() {
        #expect(PatternList(["[ab"]).matches("[ab"))
    }
}
