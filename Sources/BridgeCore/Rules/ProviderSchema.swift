/// The keys of a provider that the rules loader checks itself, with their lines: which a target must have, and the
/// shape of those it checks (`ProviderDefinition.schema`).
///
/// Other keys are passed through to the provider as written. A deploy step's keys are checked against its target's
/// provider with the same table (required keys must be on the target itself). Providers that check their keys with
/// their requests (`ProviderDefinition.problems`, each step on its merged keys) have an empty schema.
struct ProviderSchema: Sendable {
    /// The shape a known key must have.
    enum Shape: Sendable {
        /// A non-empty string; numbers are kept as their text (`rest_api_id: 123` is the string "123").
        case string
        /// One of these strings (or a template that renders to one).
        case oneOf([String])
        /// A non-empty list of strings: a command line, one argument per entry, no shell.
        case argv
        /// A duration such as `30s`, `5m` or `1h30m`.
        case duration
        /// A map of environment variable name to string.
        case environment
    }

    var required: [String] = []
    var shapes: [String: Shape] = [:]
}
