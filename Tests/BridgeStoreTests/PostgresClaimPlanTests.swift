import BridgeCore
import BridgeTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import BridgeStore

/// The plans of a claim's candidate statements on PostgreSQL, as `ClaimPlanTests` checks them on SQLite: with many
/// finished runs before a few queued ones, the pending steps are walked on their partial index and each step's run is
/// probed for a newer run by an index range, whether the server plans for the values (its first runs of a prepared
/// statement) or once for any (its generic plan, reused after that). Before, PostgreSQL read every newer run of the rule
/// for `IS NOT DISTINCT FROM`, and could walk every step, finished or not.
@Suite("PostgreSQL claim plans")
struct PostgresClaimPlanTests {
    static let logger = TestStore.logger

    @Test(arguments: ["force_custom_plan", "force_generic_plan"])
    func theCandidatesReadIndexRanges(planMode: String) async throws {
        let settings = try await TestStore.freshDatabase()
        let store = try await PostgresDeliveryStore.open(settings, logger: Self.logger)
        await store.shutDown()
        // 3,000 finished runs (each its own environment, so none supersedes another), then 20 queued ones, each with
        // one step.
        let fill = [
            """
            INSERT INTO deliveries (id, source, forge, delivery_key, event_name, received_at, status)
            SELECT g, 'bench', 'github', 'k' || g, 'push', g, 'queued' FROM generate_series(1, 3020) g
            """,
            """
            INSERT INTO runs (id, delivery_id, rule, environment, source, forge, repository, ref, ref_kind, ref_name, sha,
                event, notes, status, created_at, updated_at)
            SELECT g, g, 'main', 'env' || (g % 50), 'bench', 'github', 'acme/app', 'refs/heads/main', 'branch', 'main', 'sha' || g,
                '{}', '[]', CASE WHEN g <= 3000 THEN 'succeeded' ELSE 'queued' END, g, g
            FROM generate_series(1, 3020) g
            """,
            """
            INSERT INTO steps (id, run_id, position, target, provider, parameters, resource, status, created_at, updated_at)
            SELECT g, g, 1, 't' || (g % 8), 'command', '{}', 'command:t' || (g % 8),
                CASE WHEN g <= 3000 THEN 'succeeded' ELSE 'pending' END, g, g
            FROM generate_series(1, 3020) g
            """,
            "ANALYZE",
        ]
        let plans = try await PostgresConnector.withClient(settings, logger: Self.logger) { client in
            try await client.withConnection { connection in
                for statement in fill { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Self.logger) }
                try await connection.query(PostgresQuery(unsafeSQL: "SET plan_cache_mode = \(planMode)"), logger: Self.logger)
                var plans: [String] = []
                let candidate = PreparedStatements.NextCandidate.prepared.positional.text
                try await connection.query(PostgresQuery(unsafeSQL: "PREPARE candidate(bigint) AS \(candidate)"), logger: Self.logger)
                let candidateLines = try await connection.query(PostgresQuery(unsafeSQL: "EXPLAIN EXECUTE candidate(0)"), logger: Self.logger)
                    .collect().map { try $0.decode(String.self) }
                plans.append(candidateLines.joined(separator: "\n"))
                let superseded = PreparedStatements.SupersededRunsOfEnvironment.prepared.positional
                #expect(superseded.names == ["rule", "environment", "from", "limit"])
                try await connection.query(
                    PostgresQuery(unsafeSQL: "PREPARE superseded(text, text, bigint, bigint) AS \(superseded.text)"), logger: Self.logger)
                let lines = try await connection.query(
                    PostgresQuery(unsafeSQL: "EXPLAIN EXECUTE superseded('main', 'env1', 3001, 256)"), logger: Self.logger
                ).collect().map { try $0.decode(String.self) }
                plans.append(lines.joined(separator: "\n"))
                return plans
            }
        }
        // One statement, the expired steps' branch first, then the pending steps' (`NextCandidate`); neither reads the
        // 3,000 finished steps or runs: no table is scanned whole, and the steps are not walked on an index of every
        // step. (Planned for the values, the pending steps are walked in claim order on their partial index; planned
        // once for any values, the pending steps and active runs are read and sorted: the queue, never the history.)
        let candidate = plans[0]
        #expect(candidate.contains("Append"), "\(candidate)")
        #expect(!candidate.contains("Seq Scan"), "\(candidate)")
        #expect(!candidate.contains("using steps_run_id_position_key on steps s "), "\(candidate)")
        #expect(!candidate.contains("using steps_pkey on steps s "), "\(candidate)")
        #expect(candidate.contains("steps_pending_by_run") || candidate.contains("Index Cond: (status = 'pending'::text)"), "\(candidate)")
        // The superseded runs a claim supersedes together are read from the run it met on, by the same index.
        let superseded = plans[1]
        #expect(superseded.contains("runs_by_rule_environment_id"), "\(superseded)")
        #expect(!superseded.contains("Seq Scan"), "\(superseded)")
        // A run's newer runs are found by a range of the (rule, environment, id) index, NULL environments included (the
        // plan names the pending branch's run `r_1`).
        let ofEnvironment = /Index Cond: \(\(rule = (r|r_1)\.rule\) AND \(environment = \1\.environment\) AND \(id > \1\.id\)\)/
        let withoutEnvironment = /Index Cond: \(\(rule = (r|r_1)\.rule\) AND \(environment IS NULL\) AND \(id > \1\.id\)\)/
        #expect(candidate.contains(ofEnvironment), "\(candidate)")
        #expect(candidate.contains(withoutEnvironment), "\(candidate)")
    }
}
