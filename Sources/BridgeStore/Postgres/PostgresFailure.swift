import BridgeCore
import Glibc
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// Reads the reason out of PostgresNIO's, NIO's and NIOSSL's errors, deliberately: `PSQLError` hides its details from
/// its description (they may hold query data), and NIO's descriptions carry internals (source paths, type names).
struct PostgresFailure {
    let settings: PostgresSettings

    func reason(_ error: any Error) -> String {
        switch error {
        case let error as PSQLError: reason(error)
        case let error as NIOConnectionError: reason(error)
        case let error as IOError: reason(errno: error.errnoCode)
        case let error as SocketAddressError.UnknownHost: "cannot resolve host \(error.host): \(error.errorDescription)"
        case ChannelError.connectTimeout: "no connection within connect_timeout (\(settings.connectTimeout.components.seconds) s)"
        case let error as NIOSSLError: reason(error)
        case let error as NIOSSLExtraError where error == .failedToValidateHostname:
            "certificate verify failed: the server's certificate is not for \(settings.host) (sslmode=verify-full checks the name)"
        default: String(describing: error)
        }
    }

    /// The server's message and SQLSTATE for an error it sent; PostgresNIO's own reason otherwise.
    private func reason(_ error: PSQLError) -> String {
        if let info = error.serverInfo, let message = info[.message] {
            let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            let hint = info[.hint].map { "; \($0)" } ?? ""
            return message + state + hint
        }
        switch error.code {
        case .sslUnsupported:
            return "the server does not offer TLS; turn ssl on there, or use sslmode=disable on a network you trust"
        case .authMechanismRequiresPassword:
            return "the server asks for a password and none was given "
                + "(\(PasswordSource.fileFlag), \(PasswordSource.referenceFlag) or \(PasswordSource.environmentVariable))"
        case .unsupportedAuthMechanism:
            return "the server asks for an authentication method the client does not support (it supports scram-sha-256, md5, password, trust)"
        default:
            if let underlying = error.underlying { return reason(underlying) }
            return "\(error.code)"
        }
    }

    /// Each address tried (IPv4 and IPv6 for a name), or why the name did not resolve.
    private func reason(_ error: NIOConnectionError) -> String {
        if let dns = error.dnsAError ?? error.dnsAAAAError { return reason(dns) }
        var reasons: [String] = []
        for failure in error.connectionErrors where !reasons.contains(reason(failure.error)) {
            reasons.append(reason(failure.error))
        }
        return reasons.isEmpty ? "no address to connect to" : reasons.joined(separator: "; ")
    }

    private func reason(errno code: Int32) -> String {
        let text = String(cString: strerror(code)).lowercased()
        guard code == ECONNREFUSED else { return text }
        return "\(text) (is PostgreSQL running and listening on \(settings.endpoint)?)"
    }
}
