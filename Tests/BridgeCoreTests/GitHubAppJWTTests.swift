import BridgeCore
import Foundation
import Testing

/// The GitHub App JWT, checked against the `openssl` command as an independent signer of keys and verifier of
/// signatures (`scripts/setup --tests` installs it).
@Suite struct GitHubAppJWTTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("github-jwt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// `openssl <arguments>` in the test's directory; its exit status and what it printed.
    @discardableResult
    func openssl(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let openssl = try #require(
            ["/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "the openssl command is needed (scripts/setup --tests installs it)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A new RSA key, written as PKCS#8 `key.pem`, PKCS#1 `key-pkcs1.pem` and public `public.pem`.
    func makeRSAKey() throws {
        try #require(try openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "key.pem"]).status == 0)
        try #require(try openssl(["pkey", "-in", "key.pem", "-traditional", "-out", "key-pkcs1.pem"]).status == 0)
        try #require(try openssl(["pkey", "-in", "key.pem", "-pubout", "-out", "public.pem"]).status == 0)
    }

    func secret(_ name: String) throws -> Secret {
        let path = directory.appendingPathComponent(name).path
        return Secret(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))), reference: .file(path))
    }

    func file(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }

    static func decode(_ part: Substring) throws -> [UInt8] {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return Array(try #require(Data(base64Encoded: text)))
    }

    @Test(arguments: ["key-pkcs1.pem", "key.pem"])
    func opensslVerifiesTheSignature(keyFile: String) throws {
        try makeRSAKey()
        let jwt = try GitHubAppJWT(appID: "424242", privateKey: try secret(keyFile)).token(now: Date())
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 3)
        try file("input", Array("\(parts[0]).\(parts[1])".utf8))
        try file("signature", try Self.decode(parts[2]))
        let verified = try openssl(["dgst", "-sha256", "-verify", "public.pem", "-signature", "signature", "input"])
        #expect(verified.status == 0)
        #expect(verified.output.contains("Verified OK"))
        try file("input", Array("\(parts[0]).\(parts[1])x".utf8))
        #expect(try openssl(["dgst", "-sha256", "-verify", "public.pem", "-signature", "signature", "input"]).status != 0)
    }

    @Test func headerAndClaimsAreExact() throws {
        try makeRSAKey()
        let now = Date(timeIntervalSince1970: 1_700_000_000.75)
        let jwt = try GitHubAppJWT(appID: "Iv23liAbC.d_e-9", privateKey: try secret("key-pkcs1.pem")).token(now: now)
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 3)
        #expect(String(decoding: try Self.decode(parts[0]), as: UTF8.self) == #"{"alg":"RS256","typ":"JWT"}"#)
        #expect(String(decoding: try Self.decode(parts[1]), as: UTF8.self) == #"{"exp":1700000540,"iat":1699999940,"iss":"Iv23liAbC.d_e-9"}"#)
        #expect(try Self.decode(parts[2]).count == 256)
        #expect(!jwt.contains("=") && !jwt.contains("+") && !jwt.contains("/"))
    }

    @Test(
        arguments: [([], ""), ([0x66], "Zg"), ([0x66, 0x6F], "Zm8"), ([0x66, 0x6F, 0x6F], "Zm9v"), ([0xFB, 0xFF, 0xBF], "-_-_")]
            as [([UInt8], String)])
    func base64URLHasNoPadding(bytes: [UInt8], encoded: String) {
        #expect(GitHubAppJWT.base64URL(bytes) == encoded)
    }

    @Test func refusesAnECKeyNamingItsType() throws {
        try #require(try openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.pem"]).status == 0)
        let key = try secret("ec.pem")
        #expect(throws: GitHubAppKeyError.notRSA(key.reference, type: "id-ecPublicKey")) { try GitHubAppJWT(appID: "1", privateKey: key) }
    }

    @Test func refusesAnEncryptedKeyWithoutAskingForAPassphrase() throws {
        try #require(
            try openssl([
                "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-aes256", "-pass", "pass:hunter2", "-out", "locked.pem",
            ])
            .status == 0)
        let key = try secret("locked.pem")
        #expect(throws: GitHubAppKeyError.unreadableKey(key.reference)) { try GitHubAppJWT(appID: "1", privateKey: key) }
    }

    @Test func aPublicKeyOrGarbageIsRefusedWithoutQuotingIt() throws {
        try makeRSAKey()
        let garbage = Array("-----BEGIN RSA PRIVATE KEY-----\nMIIEsecretsecretsecret\n-----END RSA PRIVATE KEY-----\n".utf8)
        try file("garbage.pem", garbage)
        for name in ["public.pem", "garbage.pem"] {
            let key = try secret(name)
            do {
                _ = try GitHubAppJWT(appID: "1", privateKey: key)
                Issue.record("\(name) was taken for a private key")
            } catch {
                #expect(error == .unreadableKey(key.reference))
                #expect(error.description.contains(key.reference.description))
                #expect(!error.description.contains("MIIE"))
                #expect(!error.description.contains("secret"))
            }
        }
    }

    @Test(arguments: ["", "12 34", "app\"id", "42/1"])
    func refusesAnAppIDThatIsNotOne(appID: String) throws {
        try makeRSAKey()
        #expect(throws: GitHubAppKeyError.invalidAppID(appID)) { try GitHubAppJWT(appID: appID, privateKey: try secret("key.pem")) }
    }

    @Test func signaturesAreDeterministicAndTimed() throws {
        try makeRSAKey()
        let signer = try GitHubAppJWT(appID: "7", privateKey: try secret("key.pem"))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try signer.token(now: now) == signer.token(now: now))
        #expect(try signer.token(now: now) != signer.token(now: now.addingTimeInterval(1)))
    }
}
