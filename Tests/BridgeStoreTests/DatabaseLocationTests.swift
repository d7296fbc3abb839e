import BridgeCore
import BridgeStore
import Testing

/// `--database`: a SQLite path as before, or a `postgres://` URL with libpq's parameters.
@Suite struct DatabaseLocationTests {
    static let secret = Secret(bytes: Array("Tr0ub4dor-distinctive-pw".utf8), reference: .environment("PGPASSWORD"))

    private func settings(_ url: String, password: PasswordSource = .none) throws -> PostgresSettings {
        guard case .postgres(let settings) = try DatabaseLocation.parse(url, password: password) else {
            Issue.record("\(url) is not read as PostgreSQL")
            throw StoreError.invalidSettings("not PostgreSQL")
        }
        return settings
    }

    @Test(arguments: ["gitops-bridge.sqlite", "/var/lib/gitops-bridge/bridge.sqlite", "postgres.sqlite", "./postgres:/x"])
    func anythingButAPostgresURLIsASQLitePath(_ text: String) throws {
        #expect(try DatabaseLocation.parse(text, password: .none) == .sqlite(path: text))
        #expect(try DatabaseLocation.parse(text, password: .environment(Self.secret)) == .sqlite(path: text))
    }

    @Test func theShortestURLTakesEveryDefault() throws {
        let settings = try settings("postgres://bridge@db.internal")
        #expect(settings == PostgresSettings(host: "db.internal", user: "bridge"))
        #expect(settings.port == 5432)
        #expect(settings.database == "bridge")
        #expect(settings.tlsMode == .verifyFull)
        #expect(settings.rootCertificatePath == nil)
        #expect(settings.applicationName == "gitops-bridge")
        #expect(settings.connectTimeout == .seconds(10))
        #expect(settings.password == nil)
        #expect(settings.redacted == "postgres://bridge@db.internal:5432/bridge?sslmode=verify-full")
    }

    @Test func readsEveryPart() throws {
        let url =
            "postgresql://bridge@db.internal:6543/deliveries?sslmode=verify-ca&sslrootcert=/etc/bridge/ca.pem"
            + "&application_name=bridge-eu-1&connect_timeout=3"
        let settings = try settings(url, password: .flag(Self.secret))
        #expect(
            settings
                == PostgresSettings(
                    host: "db.internal", port: 6543, user: "bridge", database: "deliveries", tlsMode: .verifyCA,
                    rootCertificatePath: "/etc/bridge/ca.pem", applicationName: "bridge-eu-1", connectTimeout: .seconds(3),
                    password: Self.secret))
        #expect(settings.redacted == url.replacingPrefix("postgresql://", with: "postgres://"))
    }

    @Test func schemeIsCaseInsensitive() throws {
        #expect(try settings("POSTGRES://bridge@db/x").host == "db")
        #expect(try settings("PostgreSQL://bridge@db/x").database == "x")
    }

    @Test func ipv6HostsGoInBrackets() throws {
        let settings = try settings("postgres://bridge@[::1]:5433/db")
        #expect(settings.host == "::1")
        #expect(settings.port == 5433)
        #expect(settings.endpoint == "[::1]:5433")
        #expect(settings.redacted == "postgres://bridge@[::1]:5433/db?sslmode=verify-full")
        #expect(try self.settings("postgres://bridge@[fe80::1]/db").port == 5432)
    }

    @Test func userAndDatabaseArePercentDecoded() throws {
        let settings = try settings("postgres://deploy%40corp@db/my%20deliveries%2Feu")
        #expect(settings.user == "deploy@corp")
        #expect(settings.database == "my deliveries/eu")
        #expect(settings.redacted == "postgres://deploy%40corp@db:5432/my%20deliveries%2Feu?sslmode=verify-full")
        #expect(try self.settings(settings.redacted) == settings)
    }

    @Test(arguments: [
        ("postgres://db.internal/deliveries", "name the user"),
        ("postgres://@db.internal/deliveries", "the user name is empty"),
        ("postgres://bridge@/deliveries", "name the host"),
        ("postgres://bridge@db:0/x", "port \"0\" is not a number from 1 to 65535"),
        ("postgres://bridge@db:65536/x", "port \"65536\""),
        ("postgres://bridge@db:54x/x", "port \"54x\""),
        ("postgres://bridge@::1/x", "an IPv6 address goes in brackets"),
        ("postgres://bridge@[::1/x", "missing its closing ]"),
        ("postgres://bridge@[::1]5432/x", "expected :port after ]"),
        ("postgres://bridge@db1,db2/x", "one host only"),
        ("postgres://bridge@db/x?sslmode=prefer", "sslmode=prefer is refused: it falls back to an unencrypted connection"),
        ("postgres://bridge@db/x?sslmode=allow", "sslmode=allow is refused"),
        ("postgres://bridge@db/x?sslmode=verify_full", "sslmode \"verify_full\" is not one of disable, require, verify-ca, verify-full"),
        ("postgres://bridge@db/x?sslmod=require", "unknown parameter \"sslmod\" (known: sslmode, sslrootcert, application_name, connect_timeout)"),
        ("postgres://bridge@db/x?host=other", "unknown parameter \"host\""),
        ("postgres://bridge@db/x?sslmode=disable&sslmode=require", "parameter sslmode is given twice"),
        ("postgres://bridge@db/x?sslmode", "parameter sslmode has no value"),
        ("postgres://bridge@db/x?connect_timeout=0", "connect_timeout \"0\" is not a whole number of seconds, 1 or more"),
        ("postgres://bridge@db/x?connect_timeout=2.5", "connect_timeout \"2.5\""),
        ("postgres://bridge@db/x?application_name=", "application_name is empty"),
        ("postgres://bridge@db/x?sslrootcert=", "sslrootcert is empty"),
        ("postgres://bridge@db/x?sslmode=require&sslrootcert=/ca.pem", "sslrootcert is only used to check the server's certificate"),
        ("postgres://bridge@db/x?sslmode=disable&sslrootcert=/ca.pem", "which sslmode=disable does not"),
        ("postgres://bridge@db/deliveries%zz", "the database name has a % that is not followed by two hex digits"),
        ("postgres://bridge%ff@db/x", "the user name has a %"),
    ])
    func saysWhatIsWrong(_ url: String, _ expected: String) throws {
        let error = #expect(throws: StoreError.self) { try DatabaseLocation.parse(url, password: .none) }
        let description = error.map { String(describing: $0) } ?? ""
        #expect(description.hasPrefix("database settings: database URL: "))
        #expect(description.contains(expected), "\(description)")
    }

    /// A password written into the URL is refused, and the message never repeats it, however it is written.
    @Test(arguments: [
        "postgres://bridge:Tr0ub4dor-distinctive-pw@db.internal/deliveries",
        "postgres://bridge:Tr0ub4dor/distinctive?pw@db.internal/deliveries",
        "postgresql://bridge:Tr0ub4dor%40distinctive@[::1]:5432/deliveries?sslmode=require",
        "postgres://bridge@db.internal/deliveries?password=Tr0ub4dor-distinctive-pw",
    ])
    func refusesAPasswordInTheURL(_ url: String) throws {
        let error = #expect(throws: StoreError.self) { try DatabaseLocation.parse(url, password: .none) }
        let description = error.map { String(describing: $0) } ?? ""
        #expect(description.contains("give it by reference instead, with --database-password-file PATH"), "\(description)")
        for fragment in ["Tr0ub4dor", "distinctive"] {
            #expect(!description.contains(fragment))
            #expect(!String(reflecting: error as Any).contains(fragment))
        }
    }

    @Test func noDescriptionShowsThePassword() throws {
        let location = try DatabaseLocation.parse("postgres://bridge@db/x", password: .environment(Self.secret))
        let settings = try settings("postgres://bridge@db/x", password: .flag(Self.secret))
        #expect(settings.password == Self.secret)
        var dumped = ""
        dump(location, to: &dumped)
        for text in [
            String(describing: location), String(reflecting: location), String(describing: settings), String(reflecting: settings),
            settings.redacted, dumped, String(describing: PasswordSource.flag(Self.secret)),
        ] {
            #expect(!text.contains("Tr0ub4dor"), "\(text)")
        }
        #expect(String(describing: settings) == "postgres://bridge@db:5432/x?sslmode=verify-full with password <secret env:PGPASSWORD>")
    }

    /// Flags name a password for PostgreSQL; on a SQLite path one is a mistake worth saying (`PGPASSWORD` may be set
    /// for other tools and is ignored).
    @Test func aPasswordFlagWithASQLitePathIsAnError() throws {
        let error = #expect(throws: StoreError.self) { try DatabaseLocation.parse("bridge.sqlite", password: .flag(Self.secret)) }
        #expect(error.map { String(describing: $0) }?.contains("the database is a SQLite file") == true)
    }
}

extension String {
    fileprivate func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
