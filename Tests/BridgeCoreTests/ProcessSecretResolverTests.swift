import BridgeCore
import Foundation
import Testing

@Suite struct ProcessSecretResolverTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func readsEnvironmentAndFilesDroppingOneTrailingNewline() throws {
        let resolver = ProcessSecretResolver(environment: ["HOOK_SECRET": "s3cr3t"])
        #expect(try resolver.resolve(.environment("HOOK_SECRET")).text == "s3cr3t")
        let path = try file("token", Array("t0ken\r\n".utf8))
        #expect(try resolver.resolve(.file(path)).text == "t0ken")
    }

    @Test func readsAFileOfExactlyTheLimit() throws {
        let path = try file("pem", [UInt8](repeating: UInt8(ascii: "k"), count: ProcessSecretResolver.maximumFileSize))
        #expect(try ProcessSecretResolver(environment: [:]).resolve(.file(path)).bytes.count == ProcessSecretResolver.maximumFileSize)
    }

    /// A reference to the wrong file (a log, an image) fails clearly instead of being read whole.
    @Test func refusesAFileLargerThanTheLimit() throws {
        let path = try file("big.log", [UInt8](repeating: UInt8(ascii: "x"), count: 1024 * 1024))
        #expect(throws: SecretError.unreadableFile(path, reason: "larger than 64 KiB; a secret file holds one secret")) {
            try ProcessSecretResolver(environment: [:]).resolve(.file(path))
        }
    }

    @Test func saysWhyAFileCannotBeRead() throws {
        let resolver = ProcessSecretResolver(environment: [:])
        let missing = directory.appendingPathComponent("missing").path
        #expect(throws: SecretError.unreadableFile(missing, reason: "no such file")) { try resolver.resolve(.file(missing)) }
        #expect(throws: SecretError.unreadableFile(directory.path, reason: "is a directory")) { try resolver.resolve(.file(directory.path)) }
        #expect(throws: SecretError.missingEnvironment("NOPE")) { try resolver.resolve(.environment("NOPE")) }
        let empty = try file("empty", Array("\n".utf8))
        #expect(throws: SecretError.empty(.file(empty))) { try resolver.resolve(.file(empty)) }
    }
}
