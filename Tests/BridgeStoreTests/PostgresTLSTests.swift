import BridgeCore
import BridgeStore
import BridgeTestSupport
import Foundation
import Testing

extension PostgresLiveTests {
    /// `sslmode` against a server with TLS from a test CA (certificate for `localhost` and `127.0.0.1`).
    @Suite struct PostgresTLSTests {
        @Test func verifyFullWithTheTestCAOverAnIPAddress() async throws {
            let server = try SharedPostgres.server()
            let settings = try settings(server.url(database: try await server.createDatabase()), try password(server))
            let session = try await session(settings)
            #expect(session.tls)
            #expect(session.applicationName == "gitops-bridge")
        }

        @Test func verifyFullWithTheHostNameLocalhost() async throws {
            let server = try SharedPostgres.server()
            let database = try await server.createDatabase()
            let settings = try settings(server.url(database: database, host: "localhost"), try password(server))
            #expect(try await session(settings).tls)
        }

        @Test func aCertificateFromAnotherCAIsRefused() async throws {
            let server = try SharedPostgres.server()
            let directory = try TemporaryDirectory()
            let other = try await TestCertificateAuthority.create(in: directory.url.path, name: "other")
            let database = try await server.createDatabase()
            for mode in ["verify-full", "verify-ca"] {
                let url = "postgres://\(server.superuser)@127.0.0.1:\(server.port)/\(database)?sslmode=\(mode)&sslrootcert=\(other.certificatePath)"
                let failure = await failure(try settings(url, try password(server)))
                #expect(failure?.hasPrefix("cannot connect to PostgreSQL at 127.0.0.1:\(server.port) as user bridge_test") == true)
                let reason = "certificate verify failed: the server's certificate is not signed by the CA certificates in sslrootcert "
                #expect(failure?.contains(reason + other.certificatePath) == true, "\(failure ?? "")")
            }
        }

        @Test func requireEncryptsWithoutCheckingAndDisableDoesNotEncrypt() async throws {
            let server = try SharedPostgres.server()
            let database = try await server.createDatabase()
            #expect(try await session(settings(server.url(database: database, sslmode: "require"), try password(server))).tls)
            #expect(try await !session(settings(server.url(database: database, sslmode: "disable"), try password(server))).tls)
        }

        /// A certificate that names neither the host nor its address: `verify-ca` takes it (the chain is good), and
        /// `verify-full` refuses it, over an IP address too (the address is checked against the certificate's).
        @Test func verifyFullChecksTheNameAndVerifyCADoesNot() async throws {
            try await withPostgresServer(certificateNames: "DNS:db.invalid") { server in
                let database = try await server.createDatabase()
                let password = try password(server)
                #expect(try await session(settings(server.url(database: database, sslmode: "verify-ca"), password)).tls)
                for host in ["127.0.0.1", "localhost"] {
                    let failure = await failure(try settings(server.url(database: database, host: host), password))
                    #expect(
                        failure?.hasSuffix(
                            "certificate verify failed: the server's certificate is not for \(host) (sslmode=verify-full checks the name)") == true,
                        "\(failure ?? "")")
                }
            }
        }
    }
}
