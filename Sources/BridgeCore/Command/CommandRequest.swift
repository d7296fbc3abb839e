/// What a `command` step runs, read from its rendered parameters: argv, working directory, timeout, and the target's
/// environment variables, secret-named ones still as references (the deployer resolves them just before the spawn).
///
/// The rules loader has already checked these shapes (`ProviderDefinition.command`); they are checked again here
/// because parameters are stored and read back, and a bad value must fail the step with a clear message rather than run
/// something unintended.
public struct CommandRequest: Sendable, Hashable {
    public static let provider = "command"

    /// A `timeout` as a user wrote it (`5m`, kept for the failure reason) and what it means.
    public struct Timeout: Sendable, Hashable {
        public var duration: Duration
        public var text: String

        public init(duration: Duration, text: String) {
            self.duration = duration
            self.text = text
        }
    }

    /// One of the target's `env` variables.
    public struct Variable: Sendable, Hashable {
        public enum Value: Sendable, Hashable {
            case text(String)
            /// A secret-named variable's reference (`API_TOKEN: env:DEPLOY_TOKEN`).
            case secret(SecretReference)
        }

        public var name: String
        public var value: Value

        public init(name: String, value: Value) {
            self.name = name
            self.value = value
        }
    }

    /// The program (`run[0]`, as written, never empty) and its arguments, one entry each. Only read from parameters,
    /// so that it holds a program.
    public let arguments: [String]
    /// The working directory (`dir`); nil for the bridge's own.
    public let directory: String?
    /// `timeout`; nil for the deployer's default.
    public let timeout: Timeout?
    /// The target's `env`, sorted by name.
    public let variables: [Variable]

    /// Reads rendered parameters; the first bad value is a permanent error naming its key, never a secret-named value.
    public init(parameters: ConfigValue) throws(ProviderError) {
        guard case .object(let members) = parameters else {
            throw .permanent("the parameters of a command target must be a map, found \(parameters)")
        }
        arguments = try Self.arguments(members["run"])
        timeout = try Self.timeout(members["timeout"])
        directory = try Self.directory(members["dir"])
        variables = try Self.variables(members["env"])
    }

    /// Whether `name` can be an environment variable's: `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    private static func arguments(_ value: ConfigValue?) throws(ProviderError) -> [String] {
        guard let value else { throw .permanent("run is required: a non-empty list of strings, the program and its arguments") }
        guard case .array(let elements) = value, !elements.isEmpty else {
            throw .permanent("run must be a non-empty list of strings (one argument each, no shell), found \(value)")
        }
        var arguments: [String] = []
        for (index, element) in elements.enumerated() {
            guard let text = element.stringValue else { throw .permanent("run[\(index)] must be a string, found \(element)") }
            guard !text.contains("\0") else { throw .permanent("run[\(index)] contains a NUL character") }
            arguments.append(text)
        }
        guard !arguments[0].isEmpty else { throw .permanent("run[0], the program, must not be empty") }
        return arguments
    }

    private static func timeout(_ value: ConfigValue?) throws(ProviderError) -> Timeout? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue, let timeout = Duration(configText: text) else {
            throw .permanent("timeout must be a duration such as 30s, 5m, 1h or 1h30m, found \(value)")
        }
        return Timeout(duration: timeout, text: text)
    }

    private static func directory(_ value: ConfigValue?) throws(ProviderError) -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue, !text.isEmpty, !text.contains("\0") else {
            throw .permanent("dir must be a directory path, found \(value)")
        }
        return text
    }

    /// The target's `env` map. Messages name the variable, never a value of a secret-named one.
    private static func variables(_ value: ConfigValue?) throws(ProviderError) -> [Variable] {
        guard let value, value != .null else { return [] }
        guard case .object(let members) = value else { throw .permanent("env must be a map of variable name to string, found \(value)") }
        var variables: [Variable] = []
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            guard isEnvironmentName(name) else {
                throw .permanent("env: '\(name)' is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)")
            }
            guard SecretKeys.isSecret(name) else {
                guard let text = member.stringValue else { throw .permanent("env.\(name) must be a string, found \(member)") }
                guard !text.contains("\0") else { throw .permanent("env.\(name) contains a NUL character") }
                variables.append(Variable(name: name, value: .text(text)))
                continue
            }
            guard let text = member.stringValue, let reference = SecretReference(text) else {
                throw .permanent("env.\(name) must be a secret reference (env:NAME or file:/path); the value is not shown")
            }
            variables.append(Variable(name: name, value: .secret(reference)))
        }
        return variables
    }
}
