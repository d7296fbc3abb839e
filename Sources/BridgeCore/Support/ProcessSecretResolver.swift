import Foundation
import Glibc

/// Resolves `env:` references from the process environment and `file:` references from the file system.
public struct ProcessSecretResolver: SecretResolver {
    /// The largest secret file read: a secret file holds one token, key or PEM, never megabytes. A reference to the
    /// wrong file (a log, a device) fails with a clear error instead of filling memory.
    public static let maximumFileSize = 64 * 1024

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
            bytes = try Self.read(path)
        }
        let trimmed = Self.droppingTrailingNewline(bytes)
        guard !trimmed.isEmpty else { throw .empty(reference) }
        return Secret(bytes: trimmed, reference: reference)
    }

    /// Reads at most `maximumFileSize` bytes of the file, failing when it holds more.
    static func read(_ path: String) throws(SecretError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadableFile(path, reason: Self.reason(errno)) }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: maximumFileSize + 1)
        var count = 0
        while count < bytes.count {
            let read = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + count, buffer.count - count)  // Safety: the array is not empty.
            }
            if read == 0 { break }
            if read < 0 {
                if errno == EINTR { continue }
                throw .unreadableFile(path, reason: Self.reason(errno))
            }
            count += read
        }
        guard count <= maximumFileSize else {
            throw .unreadableFile(path, reason: "larger than \(maximumFileSize / 1024) KiB; a secret file holds one secret")
        }
        return Array(bytes[..<count])
    }

    /// Files written by `echo` or editors end in a newline that is not part of the secret.
    private static func droppingTrailingNewline(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return bytes
    }

    private static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file"
        case EACCES: "permission denied"
        case EISDIR: "is a directory"
        default: String(cString: strerror(code)).lowercased()
        }
    }
}
