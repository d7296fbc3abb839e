import BridgeCore
import BridgeStore
import Foundation
import Testing

/// The PostgreSQL password: `--database-password-file`, `--database-password env:|file:`, `PGPASSWORD`, or none.
@Suite struct PasswordSourceTests {
    let directory: TemporaryDirectory
    let passwordFile: String

    init() throws {
        directory = try TemporaryDirectory()
        passwordFile = directory.path("password")
        try Data("file-pw-distinctive\n".utf8).write(to: URL(fileURLWithPath: passwordFile))
    }

    private func resolve(file: String? = nil, reference: String? = nil, environment: [String: String] = [:]) throws -> PasswordSource {
        try PasswordSource.resolve(passwordFile: file, passwordReference: reference, environment: environment)
    }

    @Test func noneWithoutFlagsOrPGPASSWORD() throws {
        #expect(try resolve() == .none)
        #expect(try resolve(environment: ["PGPASSWORD": ""]) == .none)
        #expect(try resolve().secret == nil)
    }

    @Test func pgpasswordWhenNoFlagIsGiven() throws {
        let source = try resolve(environment: ["PGPASSWORD": "env-pw"])
        #expect(source == .environment(Secret(bytes: Array("env-pw".utf8), reference: .environment("PGPASSWORD"))))
        #expect(String(describing: source) == "password from env:PGPASSWORD")
    }

    @Test func passwordFileDropsTheTrailingNewlineAndWinsOverPGPASSWORD() throws {
        let source = try resolve(file: passwordFile, environment: ["PGPASSWORD": "env-pw"])
        #expect(source == .flag(Secret(bytes: Array("file-pw-distinctive".utf8), reference: .file(passwordFile))))
    }

    @Test func referenceToAFileOrAnEnvironmentVariable() throws {
        #expect(try resolve(reference: "file:\(passwordFile)").secret?.text == "file-pw-distinctive")
        let source = try resolve(reference: "env:BRIDGE_DB_PASSWORD", environment: ["BRIDGE_DB_PASSWORD": "env-pw", "PGPASSWORD": "other"])
        #expect(source == .flag(Secret(bytes: Array("env-pw".utf8), reference: .environment("BRIDGE_DB_PASSWORD"))))
    }

    /// Given a password where a reference belongs, the error says what is expected and does not repeat it.
    @Test func refusesALiteralPassword() throws {
        let error = #expect(throws: StoreError.self) { try resolve(reference: "literal-pw-distinctive") }
        let description = String(describing: error as Any)
        #expect(description.contains("--database-password takes a reference, env:NAME or file:/path, never the password itself"))
        #expect(!description.contains("distinctive"))
    }

    @Test func saysWhyAReferenceCannotBeRead() throws {
        #expect(throws: StoreError.invalidSettings("database password: environment variable BRIDGE_DB_PASSWORD is not set")) {
            try resolve(reference: "env:BRIDGE_DB_PASSWORD")
        }
        let missing = directory.path("missing")
        #expect(throws: StoreError.invalidSettings("database password: cannot read secret file \(missing): no such file")) {
            try resolve(file: missing)
        }
        let empty = directory.path("empty")
        try Data("\n".utf8).write(to: URL(fileURLWithPath: empty))
        #expect(throws: StoreError.invalidSettings("database password: secret file:\(empty) is empty")) { try resolve(file: empty) }
    }

    /// The same bound as the rules file's secrets: a reference to the wrong file fails instead of being read whole.
    @Test func refusesAFileLargerThanASecret() throws {
        let large = directory.path("large")
        try Data(repeating: UInt8(ascii: "x"), count: ProcessSecretResolver.maximumFileSize + 1).write(to: URL(fileURLWithPath: large))
        let error = #expect(throws: StoreError.self) { try resolve(file: large) }
        #expect(String(describing: error as Any).contains("larger than 64 KiB"))
    }

    @Test func bothFlagsAreAnError() throws {
        #expect(throws: StoreError.invalidSettings("give --database-password-file or --database-password, not both")) {
            try resolve(file: passwordFile, reference: "env:X")
        }
    }
}
