import AsyncHTTPClient
import BridgeCore
import BridgeStore
import BridgeTestSupport
import Foundation
import Glibc
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// Three `gitops-bridge serve` processes on one PostgreSQL database (the test process's cluster, `ProcessPostgres`),
/// as replicas behind a load balancer: signed GitLab pushes sprayed across them, copies of a delivery and of a push sent
/// to two replicas at once, and the replica running a step killed with `kill -9`. `GitLabFake` stands in for GitLab's
/// Deployments API (shared/reference/providers.md §7).
@Suite struct ReplicaEndToEndTests {
    static let hookToken = "gl-replica-hook-token"
    static let databasePassword = "TEST_DATABASE_PASSWORD"

    /// A directory, a database and the rules the replicas share; the replicas themselves.
    final class Cluster: Sendable {
        let directory: URL
        let settings: PostgresSettings
        let url: String
        let environment: [String: String]
        let replicas: [(port: Int, process: SpawnedProcess)]

        var eventsPath: String { directory.appendingPathComponent("events.log").path }

        init(gitlab: GitLabFake, count: Int) async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-replicas-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let events = directory.appendingPathComponent("events.log").path
            // Every command appends `start|end <run> <attempt> <bridge pid>`; a branch named slow-… takes 4 s, one named
            // long-… a minute unless the file `go` exists.
            let go = directory.appendingPathComponent("go").path
            let script = """
                echo "start $GITOPS_RUN $GITOPS_ATTEMPT $PPID" >> \(events); \
                case "$1" in slow-*) sleep 4;; long-*) [ -e \(go) ] || sleep 60;; esac; \
                echo "end $GITOPS_RUN $GITOPS_ATTEMPT $PPID" >> \(events)
                """
            let rules = """
                version: 1
                sources:
                  shop-gitlab: {forge: gitlab, token: env:HOOK_TOKEN}
                status:
                  gitlab: {url: "\(gitlab.baseURL)", token: env:GITLAB_API_TOKEN}
                targets:
                  record: {provider: command, run: ["sh", "-c", \(Self.quoted(script)), "record", "${branch}"]}
                rules:
                  - {name: main, source: shop-gitlab, on: push, branches: ["*"], environment: "staging", deploy: [record]}
                """
            let rulesPath = directory.appendingPathComponent("rules.yaml").path
            try rules.write(toFile: rulesPath, atomically: true, encoding: .utf8)

            let server = try await ProcessPostgres.server()
            url = server.url(database: try await server.createDatabase())
            let password = try PasswordSource.resolve(passwordFile: nil, passwordReference: nil, environment: ["PGPASSWORD": server.password])
            guard case .postgres(let settings) = try DatabaseLocation.parse(url, password: password) else { throw HarnessError("not a URL") }
            self.settings = settings
            environment = [
                "HOOK_TOKEN": ReplicaEndToEndTests.hookToken, "GITLAB_API_TOKEN": gitlab.token,
                ReplicaEndToEndTests.databasePassword: server.password,
            ]
            var replicas: [(Int, SpawnedProcess)] = []
            defer {
                // A replica started before a later one failed to spawn is stopped (`self.replicas` not set yet).
                if replicas.count < count { for (_, process) in replicas { kill(process.pid, SIGKILL) } }
            }
            for index in 0..<count {
                let port = try OccupiedPort.free()
                let process = try BridgeBinary.start(
                    [
                        "serve", "--rules", rulesPath, "--database", url, "--database-password", "env:\(ReplicaEndToEndTests.databasePassword)",
                        "--listen", "127.0.0.1:\(port)", "--admin-listen", "off", "--lease-seconds", "3", "--log-level", "notice",
                    ],
                    environment: environment, log: directory.appendingPathComponent("replica-\(index).log").path)
                replicas.append((port, process))
            }
            self.replicas = replicas
            do {
                for (port, process) in replicas {
                    try await BridgeBinary.waitUntilServing(port: port, process: process)
                }
            } catch {
                // No replica outlives a test that could not start them all.
                await stop()
                throw HarnessError("\(error); the replicas' logs: \(logs())")
            }
        }

        static func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }

        /// The replicas' logs, for a failure's message.
        func logs() -> String {
            (0..<replicas.count).map { index in
                let path = directory.appendingPathComponent("replica-\(index).log").path
                return "replica \(index): " + ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").suffix(2_000)
            }.joined(separator: "\n")
        }

        func events() -> [String] {
            ((try? String(contentsOfFile: eventsPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        /// Runs `gitops-bridge arguments… --database URL --database-password env:…` to its end; its exit code and output.
        func command(_ arguments: [String]) async throws -> (status: Int32?, output: String) {
            let log = directory.appendingPathComponent("command-\(UUID().uuidString).log").path
            let process = try BridgeBinary.start(
                arguments + ["--database", url, "--database-password", "env:\(ReplicaEndToEndTests.databasePassword)"],
                environment: environment, log: log)
            _ = await process.waitForExit(timeout: .seconds(30))
            return (process.exitCode, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        }

        func stop() async {
            for (_, process) in replicas { await process.terminate(grace: .seconds(10)) }
        }

        func remove() {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Posts a signed GitLab push to a replica; the HTTP status.
    static func push(port: Int, branch: String, sha: String, deliveryID: String) async throws -> Int {
        let body = SamplePayload(forge: .gitlab, refKind: .branch, refName: branch, sha: sha).json()
        let credentials = try SourceCredentials(tokens: [Secret(bytes: Array(hookToken.utf8), reference: .environment("HOOK_TOKEN"))])
        let headers = WebhookSigner.headers(forge: .gitlab, body: body, kind: .branch, credentials: credentials, deliveryID: deliveryID, now: Date())
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/hooks/shop-gitlab")
        request.method = .POST
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(30)).status.code)
    }

    /// A distinct commit for each number (never all zeros: that is a branch deletion).
    static func sha(_ number: Int) -> String { String(format: "%040x", number + 1) }

    @Test func threeReplicasRecordEachDeliveryOnceRunEachStepOnceAndResumeAKilledReplicasStep() async throws {
        try await withGitLabFake { gitlab in
            let cluster = try await Cluster(gitlab: gitlab, count: 3)
            defer { if ProcessInfo.processInfo.environment["KEEP_REPLICA_LOGS"] == nil { cluster.remove() } else { print(cluster.directory.path) } }
            do {
                try await exercise(cluster, gitlab: gitlab)
                await cluster.stop()
            } catch {
                await cluster.stop()
                throw error
            }
        }
    }

    @Test func aCancelFromTheCommandLineReachesTheReplicaRunningTheStepAndARetryRunsItAgain() async throws {
        try await withGitLabFake { gitlab in
            let cluster = try await Cluster(gitlab: gitlab, count: 2)
            defer { cluster.remove() }
            do {
                try await cancelAndRetry(cluster, gitlab: gitlab)
                await cluster.stop()
            } catch {
                await cluster.stop()
                throw error
            }
        }
    }

    private func cancelAndRetry(_ cluster: Cluster, gitlab: GitLabFake) async throws {
        #expect(try await Self.push(port: cluster.replicas[1].port, branch: "long-1", sha: Self.sha(7), deliveryID: "long") == 202)
        let store = try await PostgresDeliveryStore.open(cluster.settings, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        defer { Task { await store.shutDown() } }
        let run = try #require(try await store.runs(limit: 10, status: nil).first)
        _ = try await Self.waitFor { cluster.events().first { $0.hasPrefix("start \(run.id) 1 ") } }

        let asked = ContinuousClock.now
        let cancel = try await cluster.command(["runs", "cancel", String(run.id)])
        #expect(cancel.status == 0, "\(cancel.output)")
        _ = try await Self.waitFor(.seconds(10)) { try await store.run(id: run.id).summary.status == "canceled" ? true : nil }
        let took = ContinuousClock.now - asked
        #expect(took < .seconds(4), "the cancel took \(took)")
        #expect(!cluster.events().contains { $0.hasPrefix("end \(run.id) ") })

        #expect(FileManager.default.createFile(atPath: cluster.directory.appendingPathComponent("go").path, contents: nil))
        let retry = try await cluster.command(["runs", "retry", String(run.id)])
        #expect(retry.status == 0, "\(retry.output)")
        _ = try await Self.waitFor(.seconds(15)) { try await store.run(id: run.id).summary.status == "succeeded" ? true : nil }
        #expect(cluster.events().filter { $0.hasPrefix("end \(run.id) ") }.count == 1)
        // GitLab: the first deployment canceled, the retry's a new one that succeeded.
        let deployments = try await Self.waitFor { gitlab.deployments.count == 2 && gitlab.deployments[1].statusHistory.count == 2 ? gitlab.deployments : nil }
        #expect(deployments.map(\.statusHistory) == [[.running, .canceled], [.running, .success]])
        #expect(gitlab.illegalTransitions.isEmpty)
    }

    private func exercise(_ cluster: Cluster, gitlab: GitLabFake) async throws {
        let ports = cluster.replicas.map(\.port)
        // 24 pushes round-robin (one rule, one environment: a queued run is superseded by a newer one); 8 of them also
        // sent, with the same delivery id, to another replica at the same moment; 4 more pushes sent twice under two
        // delivery ids.
        var acknowledged: Set<String> = []
        try await withThrowingTaskGroup(of: (String, Int).self) { group in
            for index in 0..<24 {
                let id = "delivery-\(index)"
                group.addTask { (id, try await Self.push(port: ports[index % 3], branch: "b\(index)", sha: Self.sha(index), deliveryID: id)) }
                if index % 3 == 0 {
                    group.addTask { (id, try await Self.push(port: ports[(index + 1) % 3], branch: "b\(index)", sha: Self.sha(index), deliveryID: id)) }
                }
            }
            for index in 24..<28 {
                for copy in 0..<2 {
                    let id = "push-\(index)-\(copy)"
                    group.addTask { (id, try await Self.push(port: ports[copy], branch: "b\(index)", sha: Self.sha(index), deliveryID: id)) }
                }
            }
            for try await (id, status) in group where (200..<300).contains(status) { acknowledged.insert(id) }
        }
        #expect(acknowledged.count == 32)

        // A slow step, and the replica running it killed mid-step.
        #expect(try await Self.push(port: ports[0], branch: "slow-1", sha: Self.sha(99), deliveryID: "slow") == 202)
        let store = try await PostgresDeliveryStore.open(cluster.settings, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let slowRun = try #require(try await store.runs(limit: 100, status: nil).first { $0.ref == "refs/heads/slow-1" })
        let started = try await Self.waitFor { cluster.events().first { $0.hasPrefix("start \(slowRun.id) 1 ") } }
        let killedPID = try #require(Int32(started.split(separator: " ")[3]))
        // The kill is about the step, so it comes once every status so far is sent: an outbox row the killed replica
        // had claimed stays claimed for `StatusOutboxSender.claimLease` (120 s, longer than this test waits), and the
        // run's later rows wait behind it. Since the outbox is woken at each claim, the slow run's `running` row was
        // often in that replica's hands at the kill.
        _ = try await Self.waitFor { () async throws -> Bool? in
            for run in try await store.runs(limit: 100, status: nil) {
                guard try await store.run(id: run.id).statusUpdates.allSatisfy({ $0.state == .sent }) else { return nil }
            }
            return true
        }
        let killed = try #require(cluster.replicas.first { $0.process.pid == killedPID })
        kill(killed.process.pid, SIGKILL)
        _ = await killed.process.waitForExit(timeout: .seconds(5))

        // Every run ends; the slow one resumed by another replica after its lease (3 s).
        let latest = Mutex<[RunSummary]>([])
        let runs = try await Self.waitFor(.seconds(60), diagnose: { "runs: \(latest.withLock { $0 }.map { "\($0.id):\($0.status)" })" }) {
            () async throws -> [RunSummary]? in
            let runs = try await store.runs(limit: 100, status: nil)
            latest.withLock { $0 = runs }
            return runs.count == 29 && runs.allSatisfy({ ["succeeded", "superseded"].contains($0.status) }) ? runs : nil
        }
        // A run ran exactly once, or never when it was superseded while queued.
        let events = cluster.events()
        let succeeded = runs.filter { $0.status == "succeeded" }
        #expect(succeeded.contains { $0.id == slowRun.id })
        for run in runs where run.id != slowRun.id {
            let times = run.status == "succeeded" ? 1 : 0
            #expect(events.filter { $0.hasPrefix("start \(run.id) ") }.count == times, "run \(run.id)")
            #expect(events.filter { $0.hasPrefix("end \(run.id) ") }.count == times, "run \(run.id)")
        }
        let slowEvents = events.filter { $0.hasPrefix("start \(slowRun.id) ") || $0.hasPrefix("end \(slowRun.id) ") }
        #expect(slowEvents.count == 3, "\(slowEvents)")
        #expect(slowEvents.last?.hasPrefix("end \(slowRun.id) 2 ") == true, "\(slowEvents)")
        #expect(!slowEvents.contains { $0.hasSuffix(" \(killedPID)") && $0.hasPrefix("end") })
        #expect(try await store.run(id: slowRun.id).steps.first?.attempts == 2)

        // Each acknowledged delivery once; copies counted on the original; each push one run.
        let deliveries = try await store.deliveries(limit: 100, source: nil)
        #expect(Set(deliveries.map(\.key)) == acknowledged.union(["slow"]))
        #expect(deliveries.count == 33)
        #expect(deliveries.map(\.duplicates).reduce(0, +) == 8)
        #expect(deliveries.filter { $0.status == "duplicate" }.count == 4)

        // GitLab: one deployment per run, running then success, nothing illegal.
        let deployed = try await Self.waitFor {
            gitlab.deployments.count == succeeded.count && gitlab.deployments.allSatisfy { $0.statusHistory.count == 2 } ? gitlab.deployments : nil
        }
        #expect(deployed.allSatisfy { $0.statusHistory == [.running, .success] })
        #expect(Set(deployed.map(\.sha)) == Set(succeeded.map(\.sha)))
        #expect(gitlab.illegalTransitions.isEmpty)
        await store.shutDown()
    }

    /// Polls `value` until it is not nil, or fails after `timeout`.
    static func waitFor<T>(
        _ timeout: Duration = .seconds(30), diagnose: () -> String = { "" }, _ value: () async throws -> T?
    ) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let found = try await value() { return found }
            guard ContinuousClock.now < deadline else { throw HarnessError("not reached within \(timeout) \(diagnose())") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
