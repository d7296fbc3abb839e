import BridgeCore
import Foundation
import NIOCore
import NIOSSL
import PostgresNIO

/// PostgresNIO's configurations built from the settings.
extension PostgresSettings {
    /// The pool's configuration: host, credentials, TLS as `tlsMode` says, `application_name` and the connect timeout.
    ///
    /// With `verify-full` NIOSSL checks the certificate against the host name, or, for an IP address (which PostgresNIO
    /// does not send as a server name), against the certificate's IP addresses and the address connected to.
    public func clientConfiguration() throws(StoreError) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = try tlsConfiguration().map { .require($0) } ?? .disable
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password?.text, database: database, tls: tls)
        configuration.options.connectTimeout = connectTimeout
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }

    /// The same for one connection outside the pool (the check before the pool starts).
    func connectionConfiguration() throws(StoreError) -> PostgresConnection.Configuration {
        var tls = PostgresConnection.Configuration.TLS.disable
        if let tlsConfiguration = try tlsConfiguration() {
            do {
                tls = .require(try NIOSSLContext(configuration: tlsConfiguration))
            } catch {
                throw .invalidSettings("database TLS settings: \(error)")
            }
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password?.text, database: database, tls: tls)
        configuration.options.connectTimeout = .nanoseconds(Int64(connectTimeout.components.seconds) * 1_000_000_000)
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }

    private var startupParameters: [(String, String)] {
        [("application_name", applicationName)]
    }

    /// TLS for every mode but `disable`: always required once asked for (PostgresNIO's `prefer` would fall back to
    /// plain text), at least TLS 1.2 (PostgreSQL's own minimum since 14).
    func tlsConfiguration() throws(StoreError) -> TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch tlsMode {
        case .disable: return nil
        case .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        tls.minimumTLSVersion = .tlsv12
        if let rootCertificatePath {
            tls.trustRoots = .certificates(try Self.certificates(at: rootCertificatePath))
        }
        return tls
    }

    /// The CA certificates of `sslrootcert`, read now so that a wrong path fails at start with its reason.
    private static func certificates(at path: String) throws(StoreError) -> [NIOSSLCertificate] {
        guard FileManager.default.isReadableFile(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file"
            throw .invalidSettings("sslrootcert \(path): \(reason)")
        }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw .invalidSettings("sslrootcert \(path): not a PEM file of certificates (\(error))")
        }
        guard !certificates.isEmpty else { throw .invalidSettings("sslrootcert \(path): holds no PEM certificate") }
        return certificates
    }
}
