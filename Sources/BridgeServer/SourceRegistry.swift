import BridgeCore

/// A source ready to verify deliveries: its definition and its resolved secrets.
public struct ResolvedSource: Sendable {
    public let definition: SourceDefinition
    public let credentials: SourceCredentials

    public init(definition: SourceDefinition, credentials: SourceCredentials) {
        self.definition = definition
        self.credentials = credentials
    }
}

/// Why the sources could not be prepared: every unresolvable secret, by source.
public struct SourceSetupError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]

    public init(problems: [String]) {
        self.problems = problems
    }

    public var description: String { problems.joined(separator: "\n") }
}

/// The sources of a rules file with their secrets resolved once, at start-up.
public struct SourceRegistry: Sendable {
    private let sources: [String: ResolvedSource]

    /// Resolves every source's secrets; throws listing every one that cannot be read.
    public init(rules: RuleSet, resolver: any SecretResolver) throws(SourceSetupError) {
        var sources: [String: ResolvedSource] = [:]
        var problems: [String] = []
        for (name, definition) in rules.sources.sorted(by: { $0.key < $1.key }) {
            func resolveAll(_ references: [SecretReference]) -> [Secret] {
                references.compactMap { reference in
                    do {
                        return try resolver.resolve(reference)
                    } catch {
                        problems.append("\(definition.position): source \(name): \(error)")
                        return nil
                    }
                }
            }
            let secrets = resolveAll(definition.secrets)
            let tokens = resolveAll(definition.tokens)
            let signingSecrets = resolveAll(definition.signingSecrets)
            do {
                let credentials = try SourceCredentials(
                    secrets: secrets, tokens: tokens, signingSecrets: signingSecrets, allowSHA1: definition.allowSHA1,
                    insecure: definition.insecure)
                sources[name] = ResolvedSource(definition: definition, credentials: credentials)
            } catch {
                problems.append("\(definition.position): source \(name): \(error)")
            }
        }
        guard problems.isEmpty else { throw SourceSetupError(problems: problems) }
        self.sources = sources
    }

    /// The source named `name`, if the rules define it.
    public subscript(name: String) -> ResolvedSource? { sources[name] }

    /// Every source name, sorted.
    public var names: [String] { sources.keys.sorted() }
}
