/// A secret named by reference in the rules file: `env:NAME` or `file:/path`. Never the secret itself.
public enum SecretReference: Sendable, Hashable, CustomStringConvertible {
    /// An environment variable of the bridge process.
    case environment(String)
    /// A file, such as a systemd credential or a mounted Kubernetes secret; one trailing newline is dropped.
    case file(String)

    /// Parses `env:NAME` or `file:/path`; nil for anything else (a literal secret).
    public init?(_ text: String) {
        if text.hasPrefix("env:") {
            let name = String(text.dropFirst(4))
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
            self = .environment(name)
        } else if text.hasPrefix("file:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { return nil }
            self = .file(path)
        } else {
            return nil
        }
    }

    /// The reference as written (safe to log: it names where the secret is, not what it is).
    public var description: String {
        switch self {
        case .environment(let name): "env:\(name)"
        case .file(let path): "file:\(path)"
        }
    }
}

/// Secret bytes resolved from a reference. Its description never shows the value, nor does its mirror (`dump`).
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret's bytes.
    public let bytes: [UInt8]
    /// Where it came from.
    public let reference: SecretReference

    /// Wraps resolved secret bytes.
    public init(bytes: [UInt8], reference: SecretReference) {
        self.bytes = bytes
        self.reference = reference
    }

    /// The secret as UTF-8 text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
    public var description: String { "<secret \(reference)>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["reference": reference]) }
}

/// Reads secrets from where references point. The executable provides the real one; tests provide values.
public protocol SecretResolver: Sendable {
    /// The secret a reference points to; throws `SecretError` when it is missing or unreadable.
    func resolve(_ reference: SecretReference) throws(SecretError) -> Secret
}

/// Why a secret could not be read. Never contains the secret.
public enum SecretError: Error, Sendable, Hashable, CustomStringConvertible {
    case missingEnvironment(String)
    case unreadableFile(String, reason: String)
    case empty(SecretReference)

    public var description: String {
        switch self {
        case .missingEnvironment(let name): "environment variable \(name) is not set"
        case .unreadableFile(let path, let reason): "cannot read secret file \(path): \(reason)"
        case .empty(let reference): "secret \(reference) is empty"
        }
    }
}
