import BridgeCore

/// Where a PostgreSQL server is and how to reach it: parsed from a `postgres://` URL with the password given by
/// reference (see `PasswordSource`). Its descriptions never show the password.
public struct PostgresSettings: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// How the connection uses TLS: libpq's `sslmode` values, less the two that silently fall back to plain text.
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        /// No TLS: only for a server without TLS on a network you trust.
        case disable
        /// TLS, without checking the server's certificate (encrypted, but anyone in the middle can pose as the server).
        case require
        /// TLS; the certificate must chain to a trusted root, whatever host name it is for.
        case verifyCA = "verify-ca"
        /// TLS; the certificate must chain to a trusted root and name the host (or its IP address). The default.
        case verifyFull = "verify-full"
    }

    /// The port when the URL names none.
    public static let defaultPort = 5432
    /// `application_name` when the URL names none: what `pg_stat_activity` shows for the bridge's connections.
    public static let defaultApplicationName = "gitops-bridge"
    /// How long opening a connection may take when the URL sets no `connect_timeout`.
    public static let defaultConnectTimeout = Duration.seconds(10)

    /// A host name or IP address; an IPv6 address without its brackets.
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tlsMode: TLSMode
    /// A PEM file of the certificate authorities to trust (`sslrootcert`); nil trusts the system's roots.
    public var rootCertificatePath: String?
    public var applicationName: String
    /// How long opening a connection may take (`connect_timeout`).
    public var connectTimeout: Duration
    /// The resolved password; nil when the server needs none (trust or peer authentication, a client certificate).
    public var password: Secret?

    /// Creates settings; `parse` builds them from a URL.
    public init(
        host: String, port: Int = PostgresSettings.defaultPort, user: String, database: String? = nil,
        tlsMode: TLSMode = .verifyFull, rootCertificatePath: String? = nil,
        applicationName: String = PostgresSettings.defaultApplicationName,
        connectTimeout: Duration = PostgresSettings.defaultConnectTimeout, password: Secret? = nil
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database ?? user
        self.tlsMode = tlsMode
        self.rootCertificatePath = rootCertificatePath
        self.applicationName = applicationName
        self.connectTimeout = connectTimeout
        self.password = password
    }

    /// `host:port`, with an IPv6 address in brackets: how error messages name the server.
    public var endpoint: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The settings as a URL for logs and messages: never the password, which is given by reference anyway.
    public var redacted: String {
        var parameters = ["sslmode=\(tlsMode.rawValue)"]
        if let rootCertificatePath { parameters.append("sslrootcert=\(PercentEncoding.encodePath(rootCertificatePath))") }
        if applicationName != Self.defaultApplicationName {
            parameters.append("application_name=\(PercentEncoding.encode(applicationName))")
        }
        if connectTimeout != Self.defaultConnectTimeout { parameters.append("connect_timeout=\(connectTimeout.components.seconds)") }
        return "postgres://\(PercentEncoding.encode(user))@\(endpoint)/\(PercentEncoding.encode(database))?"
            + parameters.joined(separator: "&")
    }

    /// The redacted URL and where the password came from (`<secret env:PGPASSWORD>`), never the password.
    public var description: String {
        guard let password else { return redacted }
        return "\(redacted) with password \(password)"
    }

    public var debugDescription: String { description }
}
