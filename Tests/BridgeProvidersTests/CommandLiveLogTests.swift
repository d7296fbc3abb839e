import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// A running command's output reaches its step's log while it runs, whole lines at a time and masked, and nothing
/// is logged twice: what the journal took live is left out of the outcome's log.
@Suite struct CommandLiveLogTests {
    /// Prints a line holding the secret, then waits for the file `go` before printing the rest.
    static let script = #"echo "first $GITHUB_TOKEN"; while [ ! -e go ]; do sleep 0.05; done; echo second; printf tail"#

    @Test func wholeLinesReachTheJournalWhileTheCommandRunsAndOnlyTheRestComesAtTheEnd() async throws {
        let directory = try TemporaryDirectory()
        let journal = RecordingJournal()
        let request = CommandFixtures.request([
            "run": CommandFixtures.shell(Self.script), "dir": .string(directory.path),
            "env": .object(["GITHUB_TOKEN": .string("env:DEPLOY_TOKEN")]),
        ])
        let deployer = CommandFixtures.deployer(secrets: ["DEPLOY_TOKEN": "tok-live-123456"])
        let started = Task { try await deployer.start(request, journal: journal) }
        // The command cannot end before `go` exists: the first line must arrive while it runs.
        var waited = 0
        while journal.logs.isEmpty, waited < 1000 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        #expect(journal.logs == ["first ***\n"])
        #expect(journal.outcomes.isEmpty)
        #expect(FileManager.default.createFile(atPath: directory.file("go"), contents: nil))
        let start = try await started.value
        #expect(start.status == .succeeded)
        // The outcome carries only what the journal did not take: the second line and the unfinished last one.
        #expect(journal.outcomes.map(\.log) == ["second\ntail"])
        #expect(start.log.isEmpty)
        #expect(!(journal.logs + journal.outcomes.map(\.log)).joined().contains("tok-live-123456"))
    }

    @Test func withoutAJournalTheWholeOutputComesWithTheAnswer() async throws {
        let directory = try TemporaryDirectory()
        let request = CommandFixtures.request(["run": CommandFixtures.shell("echo one; sleep 0.7; echo two"), "dir": .string(directory.path)])
        let start = try await CommandFixtures.deployer().start(request)
        #expect(start.log == "one\ntwo\n")
    }

    @Test func aPartOfTheOutputCutAtTheBoundIsSaidOnce() {
        var output = BoundedOutput(limit: 8)
        output.append(Array("line one\nline two\n".utf8))
        #expect(output.lastLineEnd == 18)
        #expect(output.text(after: 0, upTo: 9) == "… (9 bytes omitted)\n")
        #expect(output.text(after: 9, upTo: 18) == "… (1 bytes omitted)\nine two\n")
        #expect(output.text(after: 10) == "ine two\n")
    }
}
