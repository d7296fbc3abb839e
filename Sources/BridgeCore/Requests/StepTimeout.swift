/// How long a step of an API-calling provider may take, counted from its first start (a resume after a restart or a
/// retry does not reset it): its `timeout` key, else the provider's default (`ProviderDefinition.defaultTimeout`).
///
/// When it passes, the worker asks the provider to stop the deployment and fails the step. The `command` provider
/// has none of these: it enforces its own `timeout` on the process.
public enum StepTimeout {
    /// The key every API provider's target and step may set.
    public static let key = "timeout"

    /// The timeout of a step of `provider` with these rendered parameters; nil for a provider without one.
    public static func of(provider: String, parameters: ConfigValue) -> Duration? {
        guard let defaultTimeout = ProviderDefinition.named(provider)?.defaultTimeout else { return nil }
        if let text = parameters[key]?.stringValue, let duration = Duration(configText: text) { return duration }
        return defaultTimeout
    }
}
