import BridgeCore

/// The PostgreSQL password, always given by reference: never on the command line or in the database URL, where `ps`,
/// shell history and logs would show it.
public enum PasswordSource: Sendable, Equatable, CustomStringConvertible {
    /// No password: the server trusts the connection (trust or peer authentication) or a client certificate.
    case none
    /// Read from where `--database-password-file` or `--database-password` points.
    case flag(Secret)
    /// libpq's `PGPASSWORD` environment variable.
    case environment(Secret)

    /// The flag that names a password file.
    public static let fileFlag = "--database-password-file"
    /// The flag that takes an `env:NAME` or `file:/path` reference.
    public static let referenceFlag = "--database-password"
    /// The environment variable libpq reads, read here too when neither flag is given.
    public static let environmentVariable = "PGPASSWORD"
    /// How to give the password, for messages that refuse one written out.
    static let howToGive = "give it by reference instead, with \(fileFlag) PATH, \(referenceFlag) env:NAME|file:/path, or \(environmentVariable)"

    /// Picks and reads the password: `--database-password-file PATH`, else `--database-password REF`, else
    /// `PGPASSWORD` in `environment`, else none. References resolve by the rules file's rules (`ProcessSecretResolver`:
    /// one trailing newline dropped, files bounded in size); `environment` is the process's, passed in by the executable.
    public static func resolve(
        passwordFile: String?, passwordReference: String?, environment: [String: String]
    ) throws(StoreError) -> PasswordSource {
        let resolver = ProcessSecretResolver(environment: environment)
        switch (passwordFile, passwordReference) {
        case (.some, .some):
            throw .invalidSettings("give \(fileFlag) or \(referenceFlag), not both")
        case (.some(let path), nil):
            return .flag(try read(.file(path), with: resolver))
        case (nil, .some(let text)):
            guard let reference = SecretReference(text) else {
                // The text may be the password itself: say what is expected, never echo it.
                throw .invalidSettings("\(referenceFlag) takes a reference, env:NAME or file:/path, never the password itself")
            }
            return .flag(try read(reference, with: resolver))
        case (nil, nil):
            guard let value = environment[environmentVariable], !value.isEmpty else { return .none }
            return .environment(try read(.environment(environmentVariable), with: resolver))
        }
    }

    private static func read(_ reference: SecretReference, with resolver: ProcessSecretResolver) throws(StoreError) -> Secret {
        do {
            return try resolver.resolve(reference)
        } catch {
            throw .invalidSettings("database password: \(error)")
        }
    }

    /// The password, if any.
    public var secret: Secret? {
        switch self {
        case .none: nil
        case .flag(let secret), .environment(let secret): secret
        }
    }

    /// Where the password comes from, never what it is.
    public var description: String {
        switch self {
        case .none: "no password"
        case .flag(let secret): "password from \(secret.reference)"
        case .environment(let secret): "password from \(secret.reference)"
        }
    }
}
