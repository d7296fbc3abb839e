/// How one run is shown on its forge, decided when it is planned and kept with it: which reporters tell the forge
/// (`StatusReporterKind` names), and what the rule adds to what they send.
public struct RunReport: Sendable, Hashable, Codable {
    /// Empty: the forge is told nothing (no `status.<forge>` block, `report: none`, or nothing the forge can show).
    public var reporters: [String]
    /// The rule's `environment_url`, rendered for the run's event.
    public var environmentURL: String?
    public var production: Bool?
    public var transient: Bool?

    public init(reporters: [String] = [], environmentURL: String? = nil, production: Bool? = nil, transient: Bool? = nil) {
        self.reporters = reporters
        self.environmentURL = environmentURL
        self.production = production
        self.transient = transient
    }

    /// Tells nothing.
    public static let none = RunReport()

    /// The reporters runs of `rule` from a source of `forge` use, when the rules configure that forge's status block.
    public static func reporters(of rule: Rule, forge: Forge) -> [String] {
        guard let definition = StatusForge.named(forge) else { return [] }
        let hasEnvironment = rule.environment != nil
        let mode = rule.report ?? definition.defaultMode(hasEnvironment: hasEnvironment)
        return StatusReporterKind.reporters(forge: forge, mode: mode, hasEnvironment: hasEnvironment).map(\.name)
    }

    /// The report of a run of `rule` in `environment` (the rule's, rendered) for `event` from `source`, given the rules'
    /// `status` blocks.
    public static func plan(rule: Rule, environment: String?, source: SourceDefinition, status: StatusSettings, event: PushEvent) -> RunReport {
        guard status[source.forge] != nil else { return .none }
        let reporters = reporters(of: rule, forge: source.forge)
        guard !reporters.isEmpty else { return .none }
        // `${delivery}` and `${run}` are not known when a run is planned; `check` refuses them here.
        let environmentURL = rule.environmentURLTemplate.map { template in
            template.render(TemplateVariables.make(event: event, rule: rule.name, environment: environment, delivery: "", run: ""))
        }
        return RunReport(
            reporters: reporters, environmentURL: environmentURL, production: rule.productionEnvironment,
            transient: rule.transientEnvironment)
    }
}
