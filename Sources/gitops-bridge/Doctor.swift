import ArgumentParser
import BridgeCore
import BridgeProviders
import BridgeServer
import Foundation

struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check each source's hook on its forge against the rules; print each finding with its fix (exit 1 if any is an error).")

    @OptionGroup var access: HookAccessOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        let findings = try await withProviderHTTPClient { httpClient in
            let loaded = try access.load(httpClient: httpClient)
            return await HookDoctor(rules: loaded.rules, logs: loaded.logs, unreadable: loaded.unreadable, publicURL: loaded.publicURL)
                .examine(source: access.source)
        }
        if json {
            print(RecordFormatter.json(findings))
        } else {
            for finding in findings { print(finding) }
            let errors = findings.filter { $0.severity == .error }.count
            print("\(findings.count) findings, \(errors) error\(errors == 1 ? "" : "s")")
        }
        if findings.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }
}
