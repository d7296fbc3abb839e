import Foundation
import Testing

@testable import BridgeCore

/// `ConfigValue+JSONRead` reads back a step's parameters, a run's event and its report without `JSONDecoder`; these
/// compare it with `JSONDecoder` on the same text: the same values, and an error where `JSONDecoder` has one.
@Suite("Stored JSON read without JSONDecoder")
struct StoredJSONReadTests {
    static let values = [
        "null", "true", "false", "0", "-0", "7", "-12", "1.5", "-2.25e-3", "1.0", "1e3", "1E+2", "9223372036854775807",
        "-9223372036854775808", "9223372036854775808", "12345678901234567890123", "1e400", "0.1", "3.0e0", "-0.0", "1e-7", "1e308",
        #""""#, #""plain""#, #""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#, #""caf\u00e9 ünïcödé""#,
        "[]", "{}", #"[1, "two", [3.5, null], {"k": false}]"#,
        #"{"run": ["./deploy.sh", "--env", "${environment}"], "retries": 3, "timeout": 2.5, "flags": {"dry": true}}"#,
        #"{"a": 1, "a": 2}"#, #"  {"spaced" : [ 1 , 2 ] }  "#, #"{"nested": {"deeper": {"deepest": [[[]]]}}}"#,
        // Refused by both.
        "", "nul", "[1,", #"{"a" 1}"#, "01", "1.", #""\q""#, "[1] 2", "{1: 2}", "+1", ".5",
    ]

    @Test(arguments: values) func aParameterDocumentReadsAsJSONDecoderDecodesIt(_ text: String) {
        let expected = try? JSONDecoder().decode(ConfigValue.self, from: Data(text.utf8))
        let read = try? ConfigValue(jsonText: text)
        #expect(read == expected, "\(text)")
    }

    static func event(_ changes: (inout [String: ConfigValue]) -> Void = { _ in }) -> String {
        var event = PushEvent(
            forge: .github, repository: "acme/shop", refKind: .branch, refName: "main", sha: String(repeating: "a", count: 40),
            before: String(repeating: "b", count: 40), created: false, deleted: false, forced: true,
            changedPaths: ["api/app.py", "docs/ü.md"], pathsTruncated: true, pusher: "octocat", cloneURL: "https://example.com/a.git",
            projectID: "42")
        event.pathsOmitted = 3
        guard case .object(var members) = event.configValue else { return "" }
        changes(&members)
        return ConfigValue.object(members).jsonText
    }

    static let events: [String] = [
        event(),
        event { $0.removeValue(forKey: "before") },
        event { $0.removeValue(forKey: "projectID") },
        event { $0.removeValue(forKey: "pathsOmitted") },
        event { $0["before"] = .null },
        event { $0["projectID"] = .null },
        event { $0["pathsOmitted"] = .null },
        event { $0["changedPaths"] = .array([]) },
        event { $0["changedPaths"] = .array([.string("x"), .string("x"), .string("y")]) },
        event { $0["pathsOmitted"] = .double(2) },
        event { $0["refKind"] = .string("tag") },
        event { $0["forge"] = .string("gitlab") },
        // Refused by both.
        event { $0["sha"] = nil },
        event { $0["sha"] = .null },
        event { $0["sha"] = .int(1) },
        event { $0["forced"] = .int(1) },
        event { $0["forge"] = .string("svn") },
        event { $0["refKind"] = .string("note") },
        event { $0["changedPaths"] = .array([.int(1)]) },
        event { $0["changedPaths"] = .string("a") },
        event { $0["pathsOmitted"] = .double(2.5) },
        event { $0["before"] = .bool(true) },
        "[]", "{", "null",
    ]

    @Test(arguments: events) func anEventReadsAsJSONDecoderDecodesIt(_ text: String) {
        let expected = try? JSONDecoder().decode(PushEvent.self, from: Data(text.utf8))
        let read = try? PushEvent(storedJSON: text)
        #expect(read == expected, "\(text)")
        #expect(read?.pathsOmitted == expected?.pathsOmitted)
    }

    static let reports: [String] = [
        RunReport.none.configValue.jsonText,
        RunReport(reporters: ["github-deployment", "github-status"], environmentURL: "https://e.example", production: true, transient: false)
            .configValue.jsonText,
        #"{"reporters": ["gitlab-deployment"], "environmentURL": null, "production": null}"#,
        // Refused by both.
        #"{"environmentURL": "https://e.example"}"#, #"{"reporters": "github-status"}"#, #"{"reporters": [], "production": "yes"}"#,
        #"{"reporters": [1]}"#, "[]",
    ]

    @Test(arguments: reports) func aReportReadsAsJSONDecoderDecodesIt(_ text: String) {
        let expected = try? JSONDecoder().decode(RunReport.self, from: Data(text.utf8))
        let read = try? RunReport(storedJSON: text)
        #expect(read == expected, "\(text)")
    }

    /// The fixtures are what they claim: the good documents read, and the refused ones are refused, so the comparisons
    /// above are not all two failures alike.
    @Test func theGoodFixturesReadAndTheBadAreRefused() {
        #expect((try? ConfigValue(jsonText: "[1,")) == nil)
        #expect((try? PushEvent(storedJSON: Self.event { $0["sha"] = nil })) == nil)
        #expect((try? RunReport(storedJSON: #"{"reporters": [1]}"#)) == nil)
        #expect((try? PushEvent(storedJSON: Self.event())) != nil)
        #expect((try? RunReport(storedJSON: RunReport.none.configValue.jsonText)) == RunReport.none)
    }
}
