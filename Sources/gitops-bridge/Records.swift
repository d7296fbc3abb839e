import ArgumentParser
import BridgeCore
import BridgeServer
import BridgeStore
import Foundation
import Logging

/// Options shared by the commands that read the database.
struct DatabaseOptions: ParsableArguments {
    @OptionGroup var database: DatabaseFlags

    @Flag(help: "Print JSON instead of text.")
    var json = false

    /// Opens an existing database to change it (`runs retry`, `runs cancel`); never creates one.
    func openForWriting() async throws -> any BridgeDatabase {
        try await open(readOnly: false)
    }

    func open() async throws -> any BridgeDatabase {
        try await open(readOnly: true)
    }

    private func open(readOnly: Bool) async throws -> any BridgeDatabase {
        try await Self.openExisting(database, readOnly: readOnly)
    }

    /// Opens the existing database `database` names, silently; exits 1 with one line when it cannot.
    static func openExisting(_ database: DatabaseFlags, readOnly: Bool) async throws -> any BridgeDatabase {
        let location = try database.location()
        do {
            // Silent: the commands print records (JSON among them) on standard output.
            let logger = Logger(label: "gitops-bridge") { _ in SwiftLogNoOpLogHandler() }
            return try await BridgeDatabases.openExisting(location, readOnly: readOnly, logger: logger)
        } catch {
            printError("gitops-bridge: \(error)")
            throw ExitCode(1)
        }
    }
}

struct Deliveries: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List and show recorded deliveries.", subcommands: [List.self, Show.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recent deliveries, newest first.")
        @OptionGroup var options: DatabaseOptions
        @Option(help: "Only this source's deliveries.") var source: String?
        @Option(help: "How many to show.") var limit = 50

        func run() async throws {
            let deliveries = try await options.open().deliveries(limit: limit, source: source)
            print(options.json ? RecordFormatter.json(deliveries) : RecordFormatter.table(deliveries))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One delivery with its runs.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The delivery's id.") var id: Int64

        func run() async throws {
            let store = try await options.open()
            let delivery = try await reportingNotFound { () async throws(StoreError) in try await store.delivery(id: id) }
            print(options.json ? RecordFormatter.json(delivery) : RecordFormatter.detail(delivery))
        }
    }
}

struct Runs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show, retry and cancel deployment runs.", subcommands: [List.self, Show.self, Retry.self, Cancel.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recent runs, newest first.")
        @OptionGroup var options: DatabaseOptions
        @Option(help: "Only runs with this status (queued, running, succeeded, failed, canceled, superseded).") var status: String?
        @Option(help: "How many to show.") var limit = 50

        func run() async throws {
            let runs = try await options.open().runs(limit: limit, status: status)
            print(options.json ? RecordFormatter.json(runs) : RecordFormatter.table(runs))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One run: its event, notes and every step.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The run's id.") var id: Int64

        func run() async throws {
            let store = try await options.open()
            let run = try await reportingNotFound { () async throws(StoreError) in try await store.run(id: id) }
            print(options.json ? RecordFormatter.json(run) : RecordFormatter.detail(run))
        }
    }
}

extension Runs {
    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a failed, canceled or superseded run again, from its first step that did not succeed.",
            discussion: "A running bridge on the same database picks it up within a second.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The run's id.") var id: Int64

        func run() async throws {
            let store = try await options.openForWriting()
            let run = try await reportingNotFound { () async throws(StoreError) in try await store.retryRun(id: id, now: Date()) }
            print(options.json ? RecordFormatter.json(run) : "run \(run.id) is \(run.status) again")
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a run: a queued one at once; a running one by asking its worker to cancel the deployment.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The run's id.") var id: Int64

        func run() async throws {
            let store = try await options.openForWriting()
            let run = try await reportingNotFound { () async throws(StoreError) in try await store.cancelRun(id: id, now: Date()) }
            let message =
                run.status == "running"
                ? "cancel requested: the worker stops run \(run.id) within seconds" : "run \(run.id) is \(run.status)"
            print(options.json ? RecordFormatter.json(run) : message)
        }
    }
}

/// Runs a store query; a missing record or an unreadable store becomes one line on stderr and exit 1.
func reportingNotFound<T>(_ body: () async throws(StoreError) -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        printError("gitops-bridge: \(error)")
        throw ExitCode(1)
    }
}
