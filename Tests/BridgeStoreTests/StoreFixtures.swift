import BridgeCore
import BridgeStore
import Foundation
import GRDB

/// A directory of its own for one test, removed when the last reference goes.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("bridge-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Sample deliveries, runs and events.
enum Fixtures {
    static let shaA = String(repeating: "a", count: 40)
    static let shaB = String(repeating: "b", count: 40)
    /// Exactly representable in milliseconds, so it reads back equal.
    static let receivedAt = Date(timeIntervalSince1970: 1_700_000_000.123)

    static func event(sha: String = shaA, branch: String = "main", repository: String = "acme/shop") -> PushEvent {
        PushEvent(
            forge: .github, repository: repository, refKind: .branch, refName: branch, sha: sha,
            before: String(repeating: "0", count: 40), created: false, changedPaths: ["api/main.swift", "README.md"],
            pathsTruncated: true, pusher: "octocat", cloneURL: "https://github.com/\(repository).git", projectID: "42")
    }

    static let stagingParameters: ConfigValue = .object([
        "region": .string("eu-west-2"),
        "stage": .string("staging"),
        "variables": .object(["commit": .string("${sha}")]),
        "canary": .object(["percent": .double(12.5), "enabled": .bool(true), "hosts": .int(3)]),
        "tags": .array([.string("a"), .null]),
    ])

    static func run(_ rule: String, sha: String = shaA, environment: String? = "staging") -> PlannedRun {
        PlannedRun(
            rule: rule, environment: environment, event: event(sha: sha),
            notes: ["commit list truncated: path filter matched"],
            steps: [
                PlannedStep(target: "backend", provider: "aws-codedeploy", parameters: .object(["application": .string("shop")])),
                PlannedStep(target: "staging-api", provider: "aws-apigateway", parameters: stagingParameters),
                PlannedStep(target: "smoke", provider: "command", parameters: .object(["run": .array([.string("./smoke.sh")])])),
            ])
    }

    static func delivery(
        key: String = "d-1", source: String = "shop-github", runs: [PlannedRun] = [run("main-to-staging")],
        disposition: NewDelivery.Disposition = .queued, reason: String? = nil
    ) -> NewDelivery {
        NewDelivery(
            source: source, forge: .github, key: key, eventName: "push", receivedAt: receivedAt, disposition: disposition,
            reason: reason, runs: runs)
    }

    /// A store on a fresh file in `directory`.
    static func store(in directory: TemporaryDirectory) throws -> SQLiteDeliveryStore {
        try SQLiteDeliveryStore(path: directory.path("bridge.sqlite"))
    }

    /// Counts rows straight from the file, through a connection of the test's own.
    static func count(_ table: String, in directory: TemporaryDirectory, file: String = "bridge.sqlite") throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: directory.path(file), configuration: configuration)
        return try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
    }
}
