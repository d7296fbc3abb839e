import BridgeCore

extension CommandInvocation {
    /// The target's `env` variables, secret-named ones resolved; also the resolved values, to mask in the log. Messages
    /// name the variable, never a secret's value.
    static func targetVariables(
        _ variables: [CommandRequest.Variable], resolver: any SecretResolver
    ) throws(ProviderError) -> (variables: [String: String], secrets: [String]) {
        var values: [String: String] = [:]
        var secrets: [String] = []
        for variable in variables {
            switch variable.value {
            case .text(let text):
                values[variable.name] = text
            case .secret(let reference):
                let secret = try resolve(reference, name: variable.name, resolver: resolver)
                values[variable.name] = secret
                secrets.append(secret)
            }
        }
        return (values, secrets)
    }

    private static func resolve(_ reference: SecretReference, name: String, resolver: any SecretResolver) throws(ProviderError) -> String {
        let secret: Secret
        do {
            secret = try resolver.resolve(reference)
        } catch {
            throw .permanent("env.\(name): \(error)")
        }
        guard !secret.text.contains("\0") else { throw .permanent("env.\(name): secret \(reference) contains a NUL character") }
        return secret.text
    }
}
