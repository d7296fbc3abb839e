import Foundation

/// A throwaway certificate authority made with the `openssl` command line (P-256 keys, valid two days): the test
/// cluster's TLS, and a second, unrelated CA for the tests that a certificate from the wrong CA is refused.
public struct TestCertificateAuthority: Sendable {
    /// The CA's certificate (PEM): what a client's `sslrootcert` names.
    public let certificatePath: String
    private let keyPath: String
    private let openssl: String

    /// A server's certificate and key, signed by the CA.
    public struct ServerCertificate: Sendable {
        public let certificatePath: String
        public let keyPath: String
    }

    /// Makes a new CA in `directory` (which must exist), its files named after `name`.
    public static func create(in directory: String, name: String = "ca") async throws -> TestCertificateAuthority {
        guard let openssl = MotoServer.executable(named: "openssl") else {
            throw SpawnedProcess.ToolFailure(
                description: "openssl is not on PATH: the PostgreSQL tests make their certificates with it; scripts/test installs Debian's openssl")
        }
        let authority = TestCertificateAuthority(
            certificatePath: "\(directory)/\(name).crt", keyPath: "\(directory)/\(name).key", openssl: openssl)
        try await authority.run(
            ["req", "-x509"] + keyOptions(keyPath: authority.keyPath) + [
                "-out", authority.certificatePath, "-subj", "/CN=gitops-bridge test CA \(name)",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ], directory: directory)
        return authority
    }

    /// The names of a server certificate unless told otherwise: `verify-full` holds for either host.
    public static let loopbackNames = "DNS:localhost,IP:127.0.0.1"

    /// A server certificate for `subjectAlternativeNames`, with its key mode 0600 as PostgreSQL demands.
    public func issueServerCertificate(
        in directory: String, name: String = "server", subjectAlternativeNames: String = loopbackNames
    ) async throws -> ServerCertificate {
        let issued = ServerCertificate(certificatePath: "\(directory)/\(name).crt", keyPath: "\(directory)/\(name).key")
        try await run(
            ["req", "-x509"] + Self.keyOptions(keyPath: issued.keyPath) + [
                "-out", issued.certificatePath, "-subj", "/CN=localhost", "-CA", certificatePath, "-CAkey", keyPath,
                "-addext", "subjectAltName=\(subjectAlternativeNames)", "-addext", "basicConstraints=critical,CA:FALSE",
                "-addext", "extendedKeyUsage=serverAuth",
            ], directory: directory)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: issued.keyPath)
        return issued
    }

    private static func keyOptions(keyPath: String) -> [String] {
        ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", keyPath, "-days", "2"]
    }

    private func run(_ arguments: [String], directory: String) async throws {
        try await SpawnedProcess.runToCompletion(
            openssl, arguments: arguments, environment: ["PATH": "/usr/bin:/bin"], logPath: "\(directory)/openssl-\(UUID().uuidString).log")
    }
}
