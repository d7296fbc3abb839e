import BridgeCore

/// `postgres://user@host:port/database?sslmode=…&sslrootcert=…&application_name=…&connect_timeout=…`, libpq's URL
/// form less what the bridge refuses: a password (it is given by reference), several hosts, Unix sockets, and the
/// `sslmode`s that silently fall back to plain text. No error message repeats the URL: a mistyped one may hold a
/// password.
extension PostgresSettings {
    static let schemes = ["postgres://", "postgresql://"]
    /// The query parameters understood, in the order error messages list them.
    static let parameters = ["sslmode", "sslrootcert", "application_name", "connect_timeout"]

    /// Whether `text` is a PostgreSQL URL rather than a SQLite path.
    public static func isURL(_ text: String) -> Bool {
        schemeLength(of: text) != nil
    }

    /// Parses a `postgres://` or `postgresql://` URL; `password` comes from a `PasswordSource`, never from the URL.
    public init(url text: String, password: Secret?) throws(StoreError) {
        guard let schemeLength = Self.schemeLength(of: text) else {
            throw .invalidSettings("database URL: it must begin with postgres:// or postgresql://")
        }
        let rest = text.dropFirst(schemeLength)
        // libpq takes the user information up to the first "@"; a ":" before it starts a password. This looks at the
        // whole rest, so that a password with an unencoded "/" or "?" is refused too, not half read as a port.
        if let at = rest.firstIndex(of: "@"), rest[..<at].contains(":") {
            throw .invalidSettings("database URL: it holds a password (user:password@); \(PasswordSource.howToGive)")
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let (user, host, port) = try Self.authority(rest[..<authorityEnd])
        var path = rest[authorityEnd...]
        var query: Substring = ""
        if let questionMark = path.firstIndex(of: "?") {
            query = path[path.index(after: questionMark)...]
            path = path[..<questionMark]
        }
        let database = try Self.decoded(path.drop { $0 == "/" }, what: "database name")
        self.init(host: host, port: port, user: user, database: database.isEmpty ? user : database, password: password)
        try applyQuery(query)
    }

    private static func schemeLength(of text: String) -> Int? {
        schemes.first { text.lowercased().hasPrefix($0) }?.count
    }

    /// `user@host:port`, `user@[::1]:port`: the user is required (the bridge does not guess it from the environment).
    private static func authority(_ authority: Substring) throws(StoreError) -> (user: String, host: String, port: Int) {
        guard let at = authority.lastIndex(of: "@") else {
            throw .invalidSettings("database URL: name the user, as in postgres://USER@host/database")
        }
        let user = try decoded(authority[..<at], what: "user name")
        guard !user.isEmpty else { throw .invalidSettings("database URL: the user name is empty") }
        let (host, port) = try hostAndPort(authority[authority.index(after: at)...])
        return (user, host, port)
    }

    private static func hostAndPort(_ text: Substring) throws(StoreError) -> (host: String, port: Int) {
        var host = text
        var port: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw .invalidSettings("database URL: an IPv6 address is missing its closing ]")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { throw .invalidSettings("database URL: expected :port after ]") }
            port = after.isEmpty ? nil : after.dropFirst()
        } else if text.filter({ $0 == ":" }).count > 1 {
            throw .invalidSettings("database URL: an IPv6 address goes in brackets, as in postgres://user@[::1]:5432/database")
        } else if let colon = text.firstIndex(of: ":") {
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else {
            throw .invalidSettings("database URL: name the host, as in postgres://user@HOST/database (Unix sockets are not supported)")
        }
        guard !host.contains(","), port?.contains(",") != true else {
            throw .invalidSettings("database URL: one host only; the bridge does not take a list of hosts")
        }
        return (String(host), try port.map(parsePort) ?? defaultPort)
    }

    private static func parsePort(_ text: Substring) throws(StoreError) -> Int {
        guard let port = Int(text), (1...65535).contains(port), text.allSatisfy(\.isASCII) else {
            throw .invalidSettings("database URL: port \"\(text)\" is not a number from 1 to 65535")
        }
        return port
    }

    static func decoded(_ text: Substring, what: String) throws(StoreError) -> String {
        guard let decoded = PercentEncoding.decode(text) else {
            throw .invalidSettings("database URL: the \(what) has a % that is not followed by two hex digits of UTF-8")
        }
        return decoded
    }
}
