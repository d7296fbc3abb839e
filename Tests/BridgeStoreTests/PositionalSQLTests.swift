import PostgresNIO
import Testing

@testable import BridgeStore

/// `StoreSQL`'s `:name` parameters as PostgreSQL's `$n`, rewritten once per prepared statement (`PreparedSQL`).
@Suite("Positional SQL")
struct PositionalSQLTests {
    @Test func eachNameGetsOnePositionInOrderOfFirstUse() {
        let sql = PositionalSQL("UPDATE runs SET status = :status, updated_at = :now, started_at = :now WHERE id = :id")
        #expect(sql.text == "UPDATE runs SET status = $1, updated_at = $2, started_at = $2 WHERE id = $3")
        #expect(sql.names == ["status", "now", "id"])
    }

    @Test func castsAndQuotedTextAreLeftAlone() {
        let sql = PositionalSQL("SELECT :a::BIGINT, ':not_a_name', x FROM t WHERE y = :b_2")
        #expect(sql.text == "SELECT $1::BIGINT, ':not_a_name', x FROM t WHERE y = $2")
        #expect(sql.names == ["a", "b_2"])
    }

    @Test func valuesAreBoundInPositionAndAMissingOneIsNull() throws {
        let sql = PositionalSQL("SELECT :b, :a, :c")
        let bindings = try sql.bindings(["a": "first", "b": Int64(7)])
        var expected = PostgresBindings()
        expected.append(Int64(7))
        expected.append("first")
        expected.appendNull()
        #expect(bindings == expected)
    }

    @Test func everyPreparedStatementHasItsOwnName() {
        let names = [
            PreparedStatements.InsertDelivery.prepared.name, PreparedStatements.InsertRun.prepared.name,
            PreparedStatements.PendingCandidate.prepared.name, PreparedStatements.ExpiredCandidate.prepared.name,
            PreparedStatements.UpdateRunKeepingTimes.prepared.name, PreparedStatements.UpdateRunStarted.prepared.name,
            PreparedStatements.UpdateRunFinished.prepared.name, PreparedStatements.UpdateRunRetried.prepared.name,
        ]
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.hasPrefix("gitops_bridge_") && $0.utf8.count < 64 })
    }
}
