/// A provider's request: what one step sends or runs, read once from the step's rendered parameters and handed to
/// its deployer's start, poll and cancel (`Deployer`).
///
/// Each provider registers its request type with a `ProviderDefinition`, which says what `check` validates, what
/// `explain` shows, the resource steps are serialised on and how long a step may take.
public protocol ProviderRequest: Sendable {
    /// The provider's name in the rules file (`aws-codedeploy`).
    static var provider: String { get }

    /// Reads the request from a step's rendered parameters and the event that created its run, or says why they
    /// cannot make one: a permanent error naming every problem (and never a secret), which fails the step.
    static func read(parameters: ConfigValue, event: PushEvent) throws(ProviderError) -> Self
}

extension ParameterError {
    /// The error a step fails with when its parameters cannot make the provider's request: permanent, since a retry
    /// reads the same parameters.
    public var providerError: ProviderError {
        .permanent(description)
    }
}
