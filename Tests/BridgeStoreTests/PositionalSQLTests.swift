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

    /// A prepared statement is named after its type (a connection runs whatever it prepared under a name), within
    /// PostgreSQL's 63 bytes.
    @Test func aPreparedStatementIsNamedAfterItsType() {
        #expect(PreparedStatements.InsertDeliveryWithFirstRun.prepared.name == "gitops_bridge_InsertDeliveryWithFirstRun")
        #expect(PreparedStatements.UpdateRunFinished.prepared.name != PreparedStatements.UpdateRunsFinished.prepared.name)
        #expect(PreparedStatements.SupersededRunsWithoutEnvironment.prepared.name.utf8.count < 64)
    }
}
