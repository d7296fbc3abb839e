import ArgumentParser
import BridgeCore
import BridgeStore
import Logging

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a SQLite database (deliveries, runs, steps, logs, status outbox) into an empty PostgreSQL database.",
        discussion: """
            Stop the bridge first: what it writes after the copy began is not copied. The copy is one PostgreSQL \
            transaction: a database that already holds records is refused, and a failure writes nothing. Then start the \
            replicas with --database postgres://….
            """)

    @Option(help: ArgumentHelp("The SQLite file to copy (it is only read).", valueName: "path"))
    var from: String

    @Option(
        help: ArgumentHelp(
            "The PostgreSQL database to copy into, postgres://user@host:5432/db?sslmode=verify-full; it must hold no records.",
            valueName: "url"))
    var to: String

    @OptionGroup var password: DatabasePasswordFlags

    func run() async throws {
        do {
            let summary = try await StoreCopy.copy(from: try sourcePath(), to: try targetSettings(), logger: Self.logger)
            print(summary.description)
        } catch {
            printError("gitops-bridge: \(error)")
            throw ExitCode(1)
        }
    }

    /// Silent: the outcome is the summary on stdout or one line on stderr.
    private static let logger = Logger(label: "gitops-bridge") { _ in SwiftLogNoOpLogHandler() }

    private func sourcePath() throws(StoreError) -> String {
        // The text is not echoed: a URL may hold a password.
        guard !PostgresSettings.isURL(from) else {
            throw .invalidSettings("--from takes the SQLite file to copy; the PostgreSQL database goes in --to")
        }
        return from
    }

    private func targetSettings() throws(StoreError) -> PostgresSettings {
        guard PostgresSettings.isURL(to) else {
            throw .invalidSettings("--to takes a postgres:// URL, postgres://user@host:5432/db; the SQLite file goes in --from")
        }
        return try PostgresSettings(url: to, password: try password.resolve().secret)
    }
}
