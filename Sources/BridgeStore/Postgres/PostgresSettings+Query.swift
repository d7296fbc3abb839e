import BridgeCore

/// The query parameters of a `postgres://` URL.
extension PostgresSettings {
    /// Applies `sslmode=…&sslrootcert=…&application_name=…&connect_timeout=…`; an unknown or repeated parameter is an
    /// error that names it (and never repeats a value, which for `password` would be the password).
    mutating func applyQuery(_ query: Substring) throws(StoreError) {
        var seen: Set<String> = []
        for pair in query.split(separator: "&") {
            let equals = pair.firstIndex(of: "=") ?? pair.endIndex
            let name = String(pair[..<equals])
            guard Self.parameters.contains(name) else {
                if name == "password" {
                    throw .invalidSettings("database URL: it holds a password parameter; \(PasswordSource.howToGive)")
                }
                throw .invalidSettings(
                    "database URL: unknown parameter \"\(name)\" (known: \(Self.parameters.joined(separator: ", ")))")
            }
            guard seen.insert(name).inserted else { throw .invalidSettings("database URL: parameter \(name) is given twice") }
            guard equals < pair.endIndex else { throw .invalidSettings("database URL: parameter \(name) has no value") }
            try apply(name, Self.decoded(pair[pair.index(after: equals)...], what: "\(name) value"))
        }
        try checkTLS()
    }

    private mutating func apply(_ name: String, _ value: String) throws(StoreError) {
        switch name {
        case "sslmode":
            tlsMode = try Self.tlsMode(value)
        case "sslrootcert":
            guard !value.isEmpty else { throw .invalidSettings("database URL: sslrootcert is empty; name a PEM file of CA certificates") }
            rootCertificatePath = value
        case "application_name":
            guard !value.isEmpty else { throw .invalidSettings("database URL: application_name is empty") }
            applicationName = value
        default:
            guard let seconds = Int(value), seconds >= 1, value.allSatisfy(\.isASCII) else {
                throw .invalidSettings("database URL: connect_timeout \"\(value)\" is not a whole number of seconds, 1 or more")
            }
            connectTimeout = .seconds(seconds)
        }
    }

    private static func tlsMode(_ value: String) throws(StoreError) -> TLSMode {
        if let mode = TLSMode(rawValue: value) { return mode }
        if value == "prefer" || value == "allow" {
            throw .invalidSettings(
                "database URL: sslmode=\(value) is refused: it falls back to an unencrypted connection without saying so; "
                    + "use verify-full (the default), verify-ca or require, or sslmode=disable for a server without TLS")
        }
        throw .invalidSettings(
            "database URL: sslmode \"\(value)\" is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
    }

    /// `sslrootcert` names what the server's certificate is checked against: with a mode that checks nothing it would
    /// be silently ignored (libpq instead upgrades `require` to `verify-ca`; here the mode says what happens).
    private func checkTLS() throws(StoreError) {
        guard rootCertificatePath != nil, tlsMode == .disable || tlsMode == .require else { return }
        throw .invalidSettings(
            "database URL: sslrootcert is only used to check the server's certificate, which sslmode=\(tlsMode.rawValue) "
                + "does not; use sslmode=verify-full or verify-ca")
    }
}
