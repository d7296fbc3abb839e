import BridgeCore
import Foundation
import Testing

@Suite struct JSONTextTests {
    @Test func escapesWhatJSONRequiresAndNothingElse() {
        let value = ConfigValue.string("a\"b\\c\nd\te\r\u{01}/é😀")
        #expect(value.jsonText == #""a\"b\\c\nd\te\r\u0001/é😀""#)
    }

    @Test func sortsKeysAndWritesEveryKind() {
        let value = ConfigValue.object([
            "z": .array([.int(-3), .double(12.5), .bool(false), .null]), "a": .object(["y": .string("x")]), "m": .bool(true),
        ])
        #expect(value.jsonText == #"{"a":{"y":"x"},"m":true,"z":[-3,12.5,false,null]}"#)
        #expect(ConfigValue.double(.infinity).jsonText == "null")
    }

    @Test(arguments: [
        ConfigValue.object(["run": .array([.string("echo"), .string("${sha} \"quoted\"\n")]), "timeout": .string("5m")]),
        ConfigValue.object(["nested": .object(["deep": .array([.object(["k": .double(0.1)]), .null])]), "n": .int(Int.max)]),
        ConfigValue.array([]), ConfigValue.object([:]), ConfigValue.string(""),
    ])
    func decoderReadsBackWhatWasWritten(value: ConfigValue) throws {
        let decoded = try JSONDecoder().decode(ConfigValue.self, from: Data(value.jsonText.utf8))
        #expect(decoded == value)
    }

    @Test func pushEventRoundTripsThroughItsCodableForm() throws {
        let event = PushEvent(
            forge: .gitlab, repository: "group/sub/project", refKind: .tag, refName: "v1.2.0", sha: String(repeating: "a", count: 40),
            before: String(repeating: "0", count: 40), created: true, changedPaths: ["a b/c.md", "x\"y"], pathsTruncated: true,
            pusher: "alice", cloneURL: "https://gitlab.example.com/group/sub/project.git", projectID: "42")
        let decoded = try JSONDecoder().decode(PushEvent.self, from: Data(event.configValue.jsonText.utf8))
        #expect(decoded == event)
        var withoutOptionals = event
        withoutOptionals.before = nil
        withoutOptionals.projectID = nil
        #expect(try JSONDecoder().decode(PushEvent.self, from: Data(withoutOptionals.configValue.jsonText.utf8)) == withoutOptionals)
    }

    /// A push listing more changed paths than are stored keeps the first `storedPathLimit`, in order, and counts the rest.
    @Test func aStoredEventKeepsTheFirstThousandPathsAndCountsTheRest() throws {
        let paths = (0..<2_500).map { "api/file-\($0).go" }
        let event = PushEvent(forge: .github, repository: "acme/shop", refKind: .branch, refName: "main", sha: "abc", changedPaths: ChangedPaths(paths))

        let stored = try JSONDecoder().decode(PushEvent.self, from: Data(event.configValue.jsonText.utf8))

        #expect(Array(stored.changedPaths) == Array(paths.prefix(PushEvent.storedPathLimit)))
        #expect(stored.pathsOmitted == 1_500)
        // Stored again (a copy, a retry), it still counts what the push listed.
        #expect(try JSONDecoder().decode(PushEvent.self, from: Data(stored.configValue.jsonText.utf8)) == stored)
        #expect(!event.configValue.jsonText.contains("file-1000.go"))
    }

    @Test(arguments: [
        RunReport(), RunReport(reporters: ["github-deployment", "commit-status"], environmentURL: "https://x.example/\"a\"", production: true),
        RunReport(reporters: ["gitlab-deployment"], transient: false),
    ])
    func runReportRoundTripsThroughItsCodableForm(report: RunReport) throws {
        #expect(try JSONDecoder().decode(RunReport.self, from: Data(report.configValue.jsonText.utf8)) == report)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(report.configValue.jsonText == String(decoding: try encoder.encode(report), as: UTF8.self))
    }
}
