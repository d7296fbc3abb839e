import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

/// The Python peers of `Tests/peers/` that write the signature vectors in `Fixtures/`, so a test can check a fixture
/// is still its generator's output.
enum PeerScripts {
    static let peers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("peers")
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The `cases` of what `script` prints, and of the fixture it writes; `needs` says what to install when it fails.
    static func casesOfOutputAndFixture(script: String, fixture: String, needs: String) throws -> (output: ConfigValue?, fixture: ConfigValue?) {
        let python = try #require(MotoServer.executable(named: "python3"), "python3 is needed to check \(fixture)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [peers.appendingPathComponent(script).path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "Tests/peers/\(script) failed: \(needs)")
        func cases(_ data: Data) throws -> ConfigValue? { try JSONDecoder().decode(ConfigValue.self, from: data)["cases"] }
        return (try cases(data), try cases(Data(contentsOf: fixtures.appendingPathComponent(fixture))))
    }
}
