/// Why a target's parameters cannot make an AWS request: every problem found, each naming the key (never a secret).
public struct AWSParameterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The provider whose parameters they are (`aws-apigateway`, `aws-codedeploy`).
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
