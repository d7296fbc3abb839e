/// One step the rules call for: a deploy entry of a rule, resolved against its target.
public struct PlannedStep: Sendable, Hashable, Codable {
    /// The target's name in the rules file.
    public var target: String
    /// The target's provider (`aws-apigateway`, `command`, …).
    public var provider: String
    /// The target's keys with the deploy entry's keys laid over them. Templates are kept unrendered:
    /// the worker renders them when the step starts, when `${run}` is known.
    public var parameters: ConfigValue
    /// The real resource it deploys to (`StepResource`): no two steps with the same resource run at once.
    public var resource: String

    /// Creates a planned step; its resource is the target's name unless given.
    public init(target: String, provider: String, parameters: ConfigValue, resource: String? = nil) {
        self.target = target
        self.provider = provider
        self.parameters = parameters
        self.resource = resource ?? target
    }
}

/// One run the rules call for: a matching rule applied to one ref update.
public struct PlannedRun: Sendable, Hashable, Codable {
    /// The rule's name.
    public var rule: String
    /// The environment whose deployment status the forge shows, when the rule names one.
    public var environment: String?
    /// The event the rule matched.
    public var event: PushEvent
    /// Why the rule matched where that is not obvious, e.g. a path filter over a truncated commit list.
    public var notes: [String]
    /// The steps, in order.
    public var steps: [PlannedStep]
    /// How the run is shown on its forge.
    public var report: RunReport

    /// Creates a planned run.
    public init(
        rule: String, environment: String?, event: PushEvent, notes: [String] = [], steps: [PlannedStep], report: RunReport = .none
    ) {
        self.rule = rule
        self.environment = environment
        self.event = event
        self.notes = notes
        self.steps = steps
        self.report = report
    }
}

/// Why a rule did or did not match an event (for `explain` and for ignored deliveries).
public struct RuleVerdict: Sendable, Hashable, Codable {
    /// The rule's name.
    public var rule: String
    /// Whether it matched.
    public var matched: Bool
    /// A short reason: "branch develop does not match [main]", "matched; commit list truncated…".
    public var reason: String

    /// Creates a verdict.
    public init(rule: String, matched: Bool, reason: String) {
        self.rule = rule
        self.matched = matched
        self.reason = reason
    }
}

/// The plan for one event: runs to create and the verdict of every rule of the source.
public struct EventPlan: Sendable, Hashable {
    /// The event.
    public var event: PushEvent
    /// Runs, one per matching rule, in rules-file order.
    public var runs: [PlannedRun]
    /// Every rule of the event's source, matched or not, with why.
    public var verdicts: [RuleVerdict]
    /// Why the event yields no runs (deletion, no matching rule, repository not allowed); nil when it has runs.
    public var ignoredReason: String?

    /// Creates an event plan.
    public init(event: PushEvent, runs: [PlannedRun], verdicts: [RuleVerdict], ignoredReason: String?) {
        self.event = event
        self.runs = runs
        self.verdicts = verdicts
        self.ignoredReason = ignoredReason
    }
}
