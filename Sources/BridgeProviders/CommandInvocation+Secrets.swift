import BridgeCore

extension CommandInvocation {
    /// The target's `env` map, with secret-named entries resolved; also the resolved values, to mask in the log.
    /// Messages name the variable, never a value of a secret-named one.
    static func targetVariables(
        _ value: ConfigValue?, resolver: any SecretResolver
    ) throws(ProviderError) -> (variables: [String: String], secrets: [String]) {
        guard let value, value != .null else { return ([:], []) }
        guard case .object(let members) = value else { throw .permanent("env must be a map of variable name to string, found \(value)") }
        var variables: [String: String] = [:]
        var secrets: [String] = []
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            guard isEnvironmentName(name) else {
                throw .permanent("env: '\(name)' is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)")
            }
            guard SecretKeys.isSecret(name) else {
                guard let text = member.stringValue else { throw .permanent("env.\(name) must be a string, found \(member)") }
                guard !text.contains("\0") else { throw .permanent("env.\(name) contains a NUL character") }
                variables[name] = text
                continue
            }
            let secret = try resolve(member, name: name, resolver: resolver)
            variables[name] = secret
            secrets.append(secret)
        }
        return (variables, secrets)
    }

    private static func resolve(_ value: ConfigValue, name: String, resolver: any SecretResolver) throws(ProviderError) -> String {
        guard let text = value.stringValue, let reference = SecretReference(text) else {
            throw .permanent("env.\(name) must be a secret reference (env:NAME or file:/path); the value is not shown")
        }
        let secret: Secret
        do {
            secret = try resolver.resolve(reference)
        } catch {
            throw .permanent("env.\(name): \(error)")
        }
        guard !secret.text.contains("\0") else { throw .permanent("env.\(name): secret \(reference) contains a NUL character") }
        return secret.text
    }

    private static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
