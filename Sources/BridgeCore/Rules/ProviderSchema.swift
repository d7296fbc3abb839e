/// What the loader knows about each provider's keys: which a target must have, and the shape of those it checks.
///
/// Other keys are passed through to the provider as written. A deploy step's keys are checked against its target's
/// provider with the same table (required keys must be on the target itself).
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

    let required: [String]
    let shapes: [String: Shape]

    static let all: [String: ProviderSchema] = [
        // Checked in full, with their requests, by `ProviderRequests` (each step on its merged keys).
        "aws-apigateway": ProviderSchema(required: [], shapes: [:]),
        "aws-codedeploy": ProviderSchema(required: [], shapes: [:]),
        "aliyun-apigateway": ProviderSchema(required: [], shapes: [:]),
        "pulumi": ProviderSchema(required: [], shapes: [:]),
        "command": ProviderSchema(
            required: ["run"],
            shapes: ["run": .argv, "timeout": .duration, "env": .environment, "dir": .string]),
    ]

    /// Provider names, sorted, for messages.
    static let names: [String] = all.keys.sorted()
}
