import BridgeCore
import BridgeStore
import BridgeTestSupport
import Foundation
import Testing

extension PostgresLiveTests {
    /// scram-sha-256 with the password from each place it may come from, and what a failure says.
    @Suite struct PostgresAuthenticationTests {
        @Test func passwordFromAFileWithATrailingNewline() async throws {
            let server = try SharedPostgres.server()
            let directory = try TemporaryDirectory()
            let file = directory.path("db-password")
            try Data("\(server.password)\n".utf8).write(to: URL(fileURLWithPath: file))
            let password = try PasswordSource.resolve(passwordFile: file, passwordReference: nil, environment: [:])
            let settings = try settings(server.url(database: try await server.createDatabase()), password)
            #expect(await failure(settings) == nil)
        }

        @Test func passwordFromPGPASSWORD() async throws {
            let server = try SharedPostgres.server()
            let password = try PasswordSource.resolve(passwordFile: nil, passwordReference: nil, environment: ["PGPASSWORD": server.password])
            #expect(await failure(try settings(server.url(database: try await server.createDatabase()), password)) == nil)
        }

        @Test func aWrongPasswordSaysSoWithoutShowingIt() async throws {
            let server = try SharedPostgres.server()
            let database = try await server.createDatabase()
            let wrong = "wrong-pw-distinctive-\(UUID().uuidString)"
            let password = try PasswordSource.resolve(passwordFile: nil, passwordReference: "env:PW", environment: ["PW": wrong])
            let settings = try settings(server.url(database: database), password)
            let failure = await failure(settings)
            #expect(
                failure == "cannot connect to PostgreSQL at 127.0.0.1:\(server.port) as user bridge_test, database \(database): "
                    + "password authentication failed for user \"bridge_test\" (SQLSTATE 28P01)")
            #expect(failure?.contains(wrong) == false)
            // The client fails as fast: the pool would retry for a minute and then only say its circuit breaker tripped.
            let error = await #expect(throws: StoreError.self) {
                try await PostgresConnector.withClient(settings, logger: logger) { _ in }
            }
            #expect(String(describing: error as Any).contains("password authentication failed"))
            #expect(!String(reflecting: error as Any).contains(wrong))
        }

        @Test func noPasswordWhereOneIsNeeded() async throws {
            let server = try SharedPostgres.server()
            let failure = await failure(try settings(server.url(database: try await server.createDatabase()), .none))
            #expect(
                failure?.hasSuffix("the server asks for a password and none was given (--database-password-file, --database-password or PGPASSWORD)")
                    == true)
        }

        @Test func aDatabaseThatDoesNotExist() async throws {
            let server = try SharedPostgres.server()
            let failure = await failure(try settings(server.url(database: "missing_db"), try password(server)))
            #expect(failure?.hasSuffix("database \"missing_db\" does not exist (SQLSTATE 3D000)") == true, "\(failure ?? "")")
        }
    }
}
