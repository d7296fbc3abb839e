import BridgeCore
import Foundation

/// Resolves `env:` references from the process environment and `file:` references from the file system.
public struct ProcessSecretResolver: SecretResolver {
    private let environment: [String: String]

    /// Creates a resolver over an environment (the process's by default).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public func resolve(_ reference: SecretReference) throws(SecretError) -> Secret {
        let bytes: [UInt8]
        switch reference {
        case .environment(let name):
            guard let value = environment[name] else { throw .missingEnvironment(name) }
            bytes = Array(value.utf8)
        case .file(let path):
            do {
                bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw .unreadableFile(path, reason: Self.reason(error))
            }
        }
        let trimmed = Self.droppingTrailingNewline(bytes)
        guard !trimmed.isEmpty else { throw .empty(reference) }
        return Secret(bytes: trimmed, reference: reference)
    }

    /// Files written by `echo` or editors end in a newline that is not part of the secret.
    private static func droppingTrailingNewline(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return bytes
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        switch nsError.code {
        case NSFileReadNoSuchFileError: return "no such file"
        case NSFileReadNoPermissionError: return "permission denied"
        default: return "unreadable"
        }
    }
}
