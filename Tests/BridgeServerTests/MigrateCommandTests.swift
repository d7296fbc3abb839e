import BridgeCore
import BridgeServer
import BridgeStore
import BridgeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `gitops-bridge migrate` as a user runs it: the built binary, from a file a bridge wrote to the test cluster.
@Suite struct MigrateCommandTests {
    /// What the binary printed (stdout and stderr together) and its exit code.
    struct Outcome {
        var exitCode: Int32?
        var output: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:], in bridge: TestBridge) async throws -> Outcome {
        let log = bridge.directory.appendingPathComponent("command-\(UUID().uuidString).log").path
        let process = try BridgeBinary.start(arguments, environment: environment, log: log)
        guard await process.waitForExit(timeout: .seconds(60)) else {
            await process.terminate()
            throw BridgeBinary.Failure(description: "gitops-bridge \(arguments.first ?? "") did not finish within 60 s")
        }
        return Outcome(exitCode: process.exitCode, output: try String(contentsOfFile: log, encoding: .utf8))
    }

    /// A bridge whose file holds two pushes, each queuing two runs, and the same delivery again.
    static func recordedBridge() async throws -> TestBridge {
        let bridge = try TestBridge()
        try await bridge.application().test(.router) { client in
            for (delivery, sha) in [("p1", "1"), ("p2", "2"), ("p2", "2")] {
                let body = Deliveries.githubPush(sha: String(repeating: sha, count: 40))
                _ = try await WebhookRouteTests().post(client, body: body, headers: Deliveries.githubHeaders(body: body, delivery: delivery))
            }
        }
        try bridge.sqlite.close()
        return bridge
    }

    /// A fresh database on the test cluster: its URL, and how the bridge shows it.
    static func freshDatabase() async throws -> (url: String, redacted: String, password: String) {
        let server = try await ProcessPostgres.server()
        let url = server.url(database: try await server.createDatabase())
        return (url, try PostgresSettings(url: url, password: nil).redacted, server.password)
    }

    @Test func migrateCopiesAndTheCommandsShowTheSameRecordsFromPostgreSQL() async throws {
        let bridge = try await Self.recordedBridge()
        defer { bridge.removeFiles() }
        let target = try await Self.freshDatabase()

        let migrate = try await Self.run(
            ["migrate", "--from", bridge.databasePath, "--to", target.url, "--database-password", "env:TARGET_PASSWORD"],
            environment: ["TARGET_PASSWORD": target.password], in: bridge)

        #expect(migrate.exitCode == 0, "\(migrate.output)")
        #expect(
            migrate.output
                == "copied 2 deliveries, 4 runs, 4 steps, 0 status updates, 0 redelivery requests from \(bridge.databasePath) to \(target.redacted)\n"
        )
        #expect(!migrate.output.contains(target.password))
        for command in [["deliveries", "--json"], ["runs", "--json"], ["runs", "show", "3", "--json"], ["deliveries", "show", "2"]] {
            let fromFile = try await Self.run(command + ["--database", bridge.databasePath], in: bridge)
            let fromCopy = try await Self.run(command + ["--database", target.url], environment: ["PGPASSWORD": target.password], in: bridge)
            #expect(fromFile.exitCode == 0 && fromCopy.exitCode == 0, "\(fromCopy.output)")
            #expect(fromCopy.output == fromFile.output, "\(command)")
        }
    }

    @Test func aSecondMigrateIsRefusedWithOneLine() async throws {
        let bridge = try await Self.recordedBridge()
        defer { bridge.removeFiles() }
        let target = try await Self.freshDatabase()
        let arguments = ["migrate", "--from", bridge.databasePath, "--to", target.url]
        #expect(try await Self.run(arguments, environment: ["PGPASSWORD": target.password], in: bridge).exitCode == 0)

        let again = try await Self.run(arguments, environment: ["PGPASSWORD": target.password], in: bridge)

        #expect(again.exitCode == 1)
        #expect(
            again.output == "gitops-bridge: the PostgreSQL database \(target.redacted) is not empty (deliveries holds 2 rows, runs holds 4 rows, "
                + "steps holds 4 rows): migrate copies only into an empty database, and wrote nothing\n")
    }

    @Test(arguments: [
        (["--from", "postgres://bridge@127.0.0.1/db", "--to", "postgres://bridge@127.0.0.1/db"], "--from takes the SQLite file to copy"),
        (["--from", "bridge.sqlite", "--to", "other.sqlite"], "--to takes a postgres:// URL"),
        (["--from", "bridge.sqlite", "--to", "postgres://bridge:hunter2@127.0.0.1/db"], "it holds a password"),
        (["--from", "missing.sqlite", "--to", "postgres://bridge@127.0.0.1:1/db?sslmode=disable"], "no database at missing.sqlite"),
    ])
    func wrongArgumentsAreRefusedWithOneLine(_ arguments: [String], _ says: String) async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }

        let outcome = try await Self.run(["migrate"] + arguments, in: bridge)

        #expect(outcome.exitCode == 1)
        #expect(outcome.output.hasPrefix("gitops-bridge: ") && outcome.output.contains(says), "\(outcome.output)")
        #expect(outcome.output.split(separator: "\n").count == 1, "\(outcome.output)")
        #expect(!outcome.output.contains("hunter2"))
    }
}
