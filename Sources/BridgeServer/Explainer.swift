import BridgeCore
import Foundation

/// Explains, without touching the database, what the bridge would do with a payload: which rules match, why the
/// others don't, and the runs and steps it would create.
public enum Explainer {
    /// Explains a request for each candidate source (signatures are not checked: the payload is the user's own).
    /// API calls are shown signed as at `date`, with credentials and secrets redacted.
    public static func explain(_ request: WebhookRequest, sources: [SourceDefinition], rules: RuleSet, date: Date = Date()) -> String {
        var lines: [String] = []
        for source in sources {
            lines.append("source \(source.name) (\(source.forge.rawValue))")
            let parsed: ParsedWebhook
            do {
                parsed = try WebhookParser.parse(request, forge: source.forge)
            } catch {
                lines.append("  the payload cannot be parsed as a \(source.forge.rawValue) delivery: \(error)")
                continue
            }
            let delivery = parsed.deliveryID ?? "(none: the body's sha256 would be the key)"
            lines.append("  event \(parsed.eventName), delivery \(delivery)")
            switch parsed.content {
            case .ping:
                lines.append("  a ping: answered 200, recorded, nothing deployed")
            case .ignored(let reason):
                lines.append("  ignored: \(reason)")
            case .push(let events):
                for event in events {
                    let plan = Planner.plan(event: event, source: source, rules: rules)
                    lines += describe(plan, delivery: parsed.deliveryID ?? "(sha256 of body)", date: date, rules: rules)
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ plan: EventPlan, delivery: String, date: Date, rules: RuleSet) -> [String] {
        let event = plan.event
        var lines = ["  \(describeEvent(event))"]
        for verdict in plan.verdicts {
            lines.append("    rule \(verdict.rule): \(verdict.matched ? "matches" : "no match") — \(verdict.reason)")
        }
        if let reason = plan.ignoredReason {
            lines.append("  → ignored: \(reason)")
        }
        for run in plan.runs {
            lines.append("  → run for rule \(run.rule)" + (run.environment.map { ", environment \($0)" } ?? ""))
            for note in run.notes { lines.append("      note: \(note)") }
            let variables = TemplateVariables.make(
                event: event, rule: run.rule, environment: run.environment, delivery: delivery, run: "<run id>")
            for (index, step) in run.steps.enumerated() {
                let rendered = step.parameters.renderingTemplates(variables)
                lines.append("      step \(index + 1): \(step.target) (\(step.provider)) \(rendered)")
                lines += requests(step.provider, parameters: rendered, event: event, date: date).map { "        " + $0 }
                if let timeout = StepTimeout.of(provider: step.provider, parameters: rendered) {
                    lines.append("        one step at a time on \(step.resource); stopped and failed \(timeout.configText) after its first start")
                }
            }
            lines += statusCalls(run, rules: rules).map { "      " + $0 }
        }
        return lines
    }

    /// The status calls the run's reporters would make as it is recorded, starts and ends, or why it reports nothing.
    static func statusCalls(_ run: PlannedRun, rules: RuleSet) -> [String] {
        let forge = run.event.forge
        guard let settings = rules.status[forge] else { return ["status: none (the rules have no status.\(forge.rawValue) block)"] }
        guard !run.report.reporters.isEmpty else { return ["status: none for this rule (report: none, or no environment for a deployment)"] }
        var lines = ["status: " + run.report.reporters.joined(separator: ", ")]
        let moments: [(String, ForgeDeploymentStatus)] = [
            ("recorded", .queued), ("started", .running), ("succeeded", .success), ("failed", .failed),
        ]
        for reporter in run.report.reporters {
            guard let kind = StatusReporterKind.all[reporter] else { continue }
            var reported: ForgeDeploymentStatus?
            for (moment, status) in moments {
                let previous = status == .failed ? .running : reported
                guard kind.accepts(status, after: previous) else { continue }
                if status != .failed { reported = status }
                let update = StatusUpdate(
                    runID: 0, project: run.event.projectID ?? run.event.repository, repository: run.event.repository, rule: run.rule,
                    environment: run.environment ?? "", sha: run.event.sha, ref: run.event.refName, tag: run.event.refKind == .tag,
                    status: status, environmentURL: run.report.environmentURL)
                for call in kind.calls(update, settings) { lines.append("  when \(moment): \(call)") }
            }
        }
        return lines
    }

    /// The requests the step's provider would send (`ProviderDefinition.preview`), or why it could not build them.
    static func requests(_ provider: String, parameters: ConfigValue, event: PushEvent, date: Date) -> [String] {
        guard let definition = ProviderDefinition.named(provider) else { return [] }
        do {
            return try definition.preview(parameters, event, date).flatMap(\.lines)
        } catch {
            return ["would fail before sending anything: \(error)"]
        }
    }

    static func describeEvent(_ event: PushEvent) -> String {
        let what = event.refKind == .branch ? "branch" : "tag"
        var text = "\(event.repository) \(what) \(event.refName)"
        if event.deleted {
            text += " deleted"
        } else {
            text += " at \(event.sha)" + (event.created ? " (created)" : "")
        }
        let paths = event.changedPaths.count
        text += ", \(paths) changed path\(paths == 1 ? "" : "s")" + (event.pathsTruncated ? " (list incomplete)" : "")
        if !event.pusher.isEmpty { text += ", pushed by \(event.pusher)" }
        return text
    }
}
