import BridgeCore
import BridgeTestSupport
import Foundation
import NIOSSL
import PostgresNIO
import Testing

@testable import BridgeStore

/// What PostgresNIO is given: TLS per `sslmode`, the CA file, credentials and startup parameters.
@Suite struct PostgresClientConfigurationTests {
    static let secret = Secret(bytes: Array("config-pw".utf8), reference: .file("/run/secrets/db"))

    @Test(arguments: [
        (PostgresSettings.TLSMode.require, CertificateVerification.none),
        (.verifyCA, .noHostnameVerification),
        (.verifyFull, .fullVerification),
    ])
    func tlsModesCheckWhatTheySay(_ mode: PostgresSettings.TLSMode, _ verification: CertificateVerification) throws {
        let tls = try #require(try PostgresSettings(host: "db", user: "bridge", tlsMode: mode).tlsConfiguration())
        #expect(tls.certificateVerification == verification)
        #expect(tls.minimumTLSVersion == .tlsv12)
        #expect(tls.trustRoots == .default)
    }

    @Test func disableHasNoTLS() throws {
        #expect(try PostgresSettings(host: "db", user: "bridge", tlsMode: .disable).tlsConfiguration() == nil)
    }

    @Test func credentialsAndOptions() throws {
        let settings = PostgresSettings(
            host: "db.internal", port: 6543, user: "bridge", database: "deliveries", tlsMode: .disable, applicationName: "eu-1",
            connectTimeout: .seconds(3), password: Self.secret)
        let configuration = try settings.clientConfiguration()
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "bridge")
        #expect(configuration.password == "config-pw")
        #expect(configuration.database == "deliveries")
        #expect(configuration.options.connectTimeout == .seconds(3))
        #expect(configuration.options.additionalStartupParameters.map { "\($0)=\($1)" } == ["application_name=eu-1"])
        #expect(try settings.connectionConfiguration().options.connectTimeout == .seconds(3))
    }

    @Test func trustsOnlyTheCAFileWhenOneIsNamed() async throws {
        let directory = try TemporaryDirectory()
        let authority = try await TestCertificateAuthority.create(in: directory.url.path)
        let settings = PostgresSettings(host: "db", user: "bridge", rootCertificatePath: authority.certificatePath)
        let tls = try #require(try settings.tlsConfiguration())
        #expect(tls.trustRoots == .certificates(try NIOSSLCertificate.fromPEMFile(authority.certificatePath)))
    }

    @Test func aMissingOrBrokenCAFileFailsAtOnce() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.path("missing.pem")
        #expect(throws: StoreError.invalidSettings("sslrootcert \(missing): no such file")) {
            try PostgresSettings(host: "db", user: "bridge", rootCertificatePath: missing).clientConfiguration()
        }
        let notPEM = directory.path("ca.pem")
        try Data("not a certificate\n".utf8).write(to: URL(fileURLWithPath: notPEM))
        let error = #expect(throws: StoreError.self) {
            try PostgresSettings(host: "db", user: "bridge", rootCertificatePath: notPEM).clientConfiguration()
        }
        #expect(String(describing: error as Any).contains("sslrootcert \(notPEM): "))
    }
}
