extension CommandRequest: ProviderRequest {
    public static func read(parameters: ConfigValue, event: PushEvent) throws(ProviderError) -> CommandRequest {
        try CommandRequest(parameters: parameters)
    }
}

extension ProviderDefinition {
    /// `command`: its keys are checked by the rules loader, with their lines; `explain` shows its rendered command line as
    /// is; its resource is its target's name (`StepResource`); and it enforces its own `timeout` on the process.
    static let command = ProviderDefinition(
        CommandRequest.self, label: "command", defaultTimeout: nil,
        schema: ProviderSchema(required: ["run"], shapes: ["run": .argv, "timeout": .duration, "env": .environment, "dir": .string]))
}
