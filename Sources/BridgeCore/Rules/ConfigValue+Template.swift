extension ConfigValue {
    /// This value with every string, at any depth, rendered as a template; keys are left as they are.
    ///
    /// The loader has already rejected unknown variables; a string that still does not parse is kept as written.
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
            return .object(members.mapValues { $0.renderingTemplates(variables) })
        case .null, .bool, .int, .double:
            return self
        }
    }
}
