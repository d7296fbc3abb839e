extension ConfigValue {
    /// This value with every string, at any depth, rendered as a template; keys are left as they are.
    ///
    /// The loader has already rejected unknown variables; a string that still does not parse is kept as written.
    /// Strings held by a secret-named key (`token`, `API_TOKEN`, `password`) are secret references and are never
    /// rendered: the loader refuses templates in them, and push data must never choose which secret is read.
    public func renderingTemplates(_ variables: [String: String]) -> ConfigValue {
        switch self {
        case .string(let text):
            guard text.contains("$") else { return self }
            do {
                return .string(try Template(text).render(variables))
            } catch {
                return self
            }
        case .array(let values):
            return .array(values.map { $0.renderingTemplates(variables) })
        case .object(let members):
            var rendered: [String: ConfigValue] = [:]
            for (key, member) in members {
                rendered[key] = SecretKeys.isSecret(key) && member.isReferenceText ? member : member.renderingTemplates(variables)
            }
            return .object(rendered)
        case .null, .bool, .int, .double:
            return self
        }
    }

    /// A string, or a list of strings: what a secret-named key holds.
    private var isReferenceText: Bool {
        switch self {
        case .string: true
        case .array(let values): values.allSatisfy { if case .string = $0 { true } else { false } }
        default: false
        }
    }
}
