import Foundation

extension SpawnedProcess {
    /// A program that did not finish well: its exit and what it printed.
    public struct ToolFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs a program to its end (stdout and stderr into `logPath`, which is removed afterwards), failing with what it
    /// printed unless it exits 0 within `timeout`.
    public static func runToCompletion(
        _ program: String, arguments: [String], environment: [String: String], logPath: String, timeout: Duration = .seconds(60)
    ) async throws {
        let process = try spawn(program, arguments: arguments, environment: environment, logPath: logPath)
        defer { try? FileManager.default.removeItem(atPath: logPath) }
        guard await process.waitForExit(timeout: timeout) else {
            await process.terminate(grace: .seconds(2))
            throw ToolFailure(description: "\(program) did not finish within \(timeout)")
        }
        guard process.exitCode == 0 else {
            let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            throw ToolFailure(description: "\(program) \(arguments.joined(separator: " ")) failed (wait status \(process.status ?? 0)): \(output)")
        }
    }
}
