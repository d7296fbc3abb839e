/// One thing wrong with a target's parameters, and the key it is about, so `check` can point at that key's line.
public struct ParameterProblem: Sendable, Hashable, CustomStringConvertible {
    /// The dotted name of the value concerned (`canary.percent_traffic`, `target_instances.tag_filters[1]`), or nil
    /// when the problem is with the parameters as a whole (a required key missing at the top).
    public var key: String?
    /// The problem, naming the key and never a secret: `cache_cluster_size must be one of 0.5, 1.6, …, found "2"`.
    public var message: String
    /// Whether the problem is the key itself (unknown, misspelt), so `check` points at the key rather than its value.
    public var isAboutTheKey: Bool

    public init(key: String?, _ message: String, isAboutTheKey: Bool = false) {
        self.key = key
        self.message = message
        self.isAboutTheKey = isAboutTheKey
    }

    public var description: String { message }
}

/// Why a target's parameters cannot make a provider's request: every problem found, each naming the key (never a
/// secret).
public struct ParameterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The provider whose parameters they are (`aws-apigateway`, `aws-codedeploy`, …).
    public var provider: String
    /// One line per problem, such as `cache_cluster_size must be one of 0.5, 1.6, …, found "2"`.
    public var problems: [String]

    public init(provider: String, problems: [String]) {
        self.provider = provider
        self.problems = problems
    }

    public var description: String {
        "invalid \(provider) parameters: " + problems.joined(separator: "; ")
    }
}
