import ArgumentParser
import BridgeCore
import BridgeProviders
import BridgeServer
import BridgeStore
import Foundation
import Logging

struct Reconcile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recover missed deliveries now: compare the forges' hook delivery logs with the database and redeliver what was never recorded.",
        discussion:
            "Prints one line per delivery: found, missing (with --dry-run), redelivered, skipped or failed, with why. Exit 0 when every source was read and every redelivery asked for; 1 when a source could not be read or a redelivery was refused; 2 for bad settings."
    )

    @OptionGroup var access: HookAccessOptions
    @OptionGroup var database: DatabaseFlags

    @Option(help: "How far back to look, e.g. 24h, 90m (default: to the last pass, at most 3 days).")
    var since: String?

    @Flag(help: "Say what would be redelivered; ask for nothing and write nothing.")
    var dryRun = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        let from = try since.map { text in
            guard let duration = Duration(configText: text) else {
                throw ValidationError("--since must be a duration such as 24h or 90m, got '\(text)'")
            }
            return Date().addingTimeInterval(-TimeInterval(duration.components.seconds))
        }
        let report = try await withProviderHTTPClient { httpClient in
            let loaded = try access.load(httpClient: httpClient)
            let chosen = loaded.rules.sources.values.filter { $0.recover != nil && (access.source == nil || $0.name == access.source) }
            if let source = access.source, chosen.isEmpty {
                printError("gitops-bridge: source \(source) has no recover: block; nothing to reconcile")
                throw ExitCode(2)
            }
            // Only the forges of the sources this pass reads need their credentials.
            let forges = Set(chosen.map(\.forge))
            if let problem = loaded.unreadable.filter({ forges.contains($0.key) }).values.sorted().first {
                printError("gitops-bridge: \(problem)")
                throw ExitCode(2)
            }
            let store = try await DatabaseOptions.openExisting(database, readOnly: dryRun)
            let recovery = DeliveryRecovery(
                rules: loaded.rules, logs: loaded.logs, ledger: store, publicURL: loaded.publicURL,
                logger: Logger(label: "gitops-bridge") { _ in SwiftLogNoOpLogHandler() })
            if recovery.isEmpty {
                await store.shutDown()
                printError("gitops-bridge: no source has a recover: block; nothing to reconcile")
                throw ExitCode(2)
            }
            let report = await recovery.pass(source: access.source, since: from, dryRun: dryRun)
            await store.shutDown()
            return report
        }
        if json {
            print(RecordFormatter.json(report))
        } else {
            for line in report.lines {
                print(
                    "\(line.action.padding(toLength: 11, withPad: " ", startingAt: 0)) \(line.source) \(line.key) (\(line.hook))"
                        + (line.reason.map { ": \($0)" } ?? ""))
            }
            for problem in report.problems { print("error       \(problem)") }
            let count = { (action: String) in report.lines.filter { $0.action == action }.count }
            print(
                "\(report.lines.count) deliveries: \(count("found")) found, \(count(dryRun ? "missing" : "redelivered")) \(dryRun ? "missing" : "redelivered"), "
                    + "\(count("skipped")) skipped, \(count("failed")) failed")
        }
        if !report.problems.isEmpty || report.lines.contains(where: { $0.action == "failed" }) { throw ExitCode(1) }
    }
}
