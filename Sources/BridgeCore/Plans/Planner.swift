/// Turns a ref update into runs: one per matching rule of its source, with a verdict for every rule.
public enum Planner {
    /// The plan for `event`, delivered to `source`. Pure: no clock, no I/O, templates left unrendered.
    ///
    /// Every matching rule fires, in rules-file order. Deletions never deploy, and a repository outside the source's
    /// allow-list is ignored. `ignoredReason` says why there is nothing to run.
    public static func plan(event: PushEvent, source: SourceDefinition, rules: RuleSet) -> EventPlan {
        let sourceRules = rules.rules.filter { $0.source == source.name }
        guard source.repositoryPatterns.matches(event.repository) else {
            let reason = "repository \(event.repository) is not in \(source.repositoryPatterns), the repositories of source \(source.name)"
            let verdicts = sourceRules.map { RuleVerdict(rule: $0.name, matched: false, reason: reason) }
            return EventPlan(event: event, runs: [], verdicts: verdicts, ignoredReason: reason)
        }
        var runs: [PlannedRun] = []
        var verdicts: [RuleVerdict] = []
        for rule in sourceRules {
            let match = RuleMatch(rule: rule, event: event)
            guard match.matched else {
                verdicts.append(RuleVerdict(rule: rule.name, matched: false, reason: match.reason))
                continue
            }
            if event.deleted {
                let reason = "\(RuleMatch.describe(event)) was deleted: deletions never deploy"
                verdicts.append(RuleVerdict(rule: rule.name, matched: false, reason: reason))
                continue
            }
            let environment = rule.environment(for: event)
            switch steps(of: rule, environment: environment, targets: rules.targets, event: event) {
            case .success(let steps):
                let report = RunReport.plan(rule: rule, environment: environment, source: source, status: rules.status, event: event)
                runs.append(
                    PlannedRun(rule: rule.name, environment: environment, event: event, notes: match.notes, steps: steps, report: report))
                verdicts.append(RuleVerdict(rule: rule.name, matched: true, reason: match.reason))
            case .failure(let problem):
                verdicts.append(RuleVerdict(rule: rule.name, matched: false, reason: problem.description))
            }
        }
        let ignoredReason = runs.isEmpty ? ignoredReason(event: event, source: source, verdicts: verdicts) : nil
        return EventPlan(event: event, runs: runs, verdicts: verdicts, ignoredReason: ignoredReason)
    }

    /// Target keys with the step's keys laid over them. Maps merge recursively (a step's `revision: {s3: {key: …}}`
    /// keeps the target's `revision.s3.bucket`); any other value, lists included, is replaced whole.
    public static func parameters(target: TargetDefinition, step: StepDefinition) -> ConfigValue {
        .object(merge(target.parameters, step.parameters))
    }

    static func merge(_ base: [String: ConfigValue], _ overlay: [String: ConfigValue]) -> [String: ConfigValue] {
        base.merging(overlay) { baseValue, overlayValue in
            if case .object(let baseMembers) = baseValue, case .object(let overlayMembers) = overlayValue {
                return .object(merge(baseMembers, overlayMembers))
            }
            return overlayValue
        }
    }

    /// A rule set assembled by hand may name a target it does not define; the loader never lets that through.
    private struct MissingTarget: Error, CustomStringConvertible {
        var name: String
        var description: String { "deploy target \(name) is not defined" }
    }

    private static func steps(
        of rule: Rule, environment: String?, targets: [String: TargetDefinition], event: PushEvent
    ) -> Result<[PlannedStep], MissingTarget> {
        var steps: [PlannedStep] = []
        for step in rule.deploy {
            guard let target = targets[step.target] else { return .failure(MissingTarget(name: step.target)) }
            let parameters = parameters(target: target, step: step)
            let resource = StepResource.key(
                target: target.name, provider: target.provider, parameters: parameters, event: event, rule: rule.name,
                environment: environment)
            steps.append(PlannedStep(target: target.name, provider: target.provider, parameters: parameters, resource: resource))
        }
        return .success(steps)
    }

    private static func ignoredReason(event: PushEvent, source: SourceDefinition, verdicts: [RuleVerdict]) -> String {
        let ref = RuleMatch.describe(event)
        if event.deleted { return "\(ref) was deleted" }
        if verdicts.isEmpty { return "source \(source.name) has no rules" }
        let reasons = verdicts.map { "\($0.rule): \($0.reason)" }.joined(separator: "; ")
        return "no rule matched \(ref) of \(event.repository) (\(reasons))"
    }
}
