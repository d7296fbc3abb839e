import BridgeCore
import Foundation

/// A delivery's page and a run's page.
extension AdminPages {
    struct HeaderRow {
        let name: String
        let value: String
        let masked: Bool
    }

    struct VerdictRow {
        let rule: String
        let matched: Bool
        let reason: String?

        /// The verdict, its reason without the "matched: " it starts with when the page already says so.
        init(_ verdict: RuleVerdict) {
            rule = verdict.rule
            matched = verdict.matched
            var reason = Substring(verdict.reason)
            for prefix in ["matched: ", "matched; "] where verdict.matched && reason.hasPrefix(prefix) {
                reason = reason.dropFirst(prefix.count)
            }
            self.reason = reason.isEmpty || reason == "matched" ? nil : String(reason)
        }
    }

    struct StepView {
        let runID: Int64
        let position: Int
        let target: String
        let provider: String
        let status: String
        let attempts: Int
        let started: String?
        let startedISO: String?
        let finished: String?
        let finishedISO: String?
        let duration: String?
        let externalID: String?
        let consoleURL: String?
        let consoleName: String?
        let error: String?
        let notes: [String]
        let hasNotes: Bool
        let parameters: String
        let log: String
        /// Still pending or running: its log may grow.
        let live: Bool
    }

    struct StatusUpdateRow {
        let reporter: String
        let status: String
        let state: String
        let attempts: Int
        let lastError: String
        let created: String
        let createdISO: String
    }

    func deliveryPage(_ id: Int64) async throws(PageError) -> Content {
        let detail: DeliveryDetail
        do {
            detail = try await data.delivery(id: id)
        } catch {
            throw PageError(error)
        }
        let summary = detail.summary
        let received = PageTime(summary.receivedAt)
        var view: [String: Any] = [
            "id": summary.id, "source": summary.source, "forge": summary.forge.rawValue, "key": summary.key,
            "eventName": summary.eventName, "received": received.text, "receivedISO": received.iso, "duplicates": summary.duplicates,
            "outcome": RecordFormatter.state(summary), "statusClass": DeliveryRow.statusClass(summary),
            "runs": detail.runs.map(RunRow.init),
            "headers": detail.headers.map {
                HeaderRow(name: $0.name, value: $0.value, masked: $0.value == DeliveryHeader.maskedValue || DeliveryHeader.isSecret(name: $0.name))
            },
            "verdicts": detail.events.flatMap(\.verdicts).map(VerdictRow.init),
        ]
        if let reason = summary.reason { view["reason"] = reason }
        if let event = detail.events.first?.event {
            view["push"] = ["repository": event.repository, "ref": event.refName, "sha": event.sha]
        } else if let run = detail.runs.first {
            view["push"] = ["repository": run.repository, "ref": run.ref, "sha": run.sha]
        }
        if summary.status == "duplicate" || !detail.duplicateOfRuns.isEmpty {
            view["duplicateOf"] = summary.reason ?? "the same push was already recorded"
            view["originalRuns"] = detail.duplicateOfRuns.map { ["id": $0] }
            view["hasOriginalRuns"] = !detail.duplicateOfRuns.isEmpty
        }
        view["showRuns"] = view["duplicateOf"] == nil || !detail.runs.isEmpty
        return Content(template: .delivery, view: view, title: "Delivery \(id)", section: "/deliveries")
    }

    func runPage(_ id: Int64, caller: AdminCaller) async throws(PageError) -> Content {
        let detail: RunDetail
        do {
            detail = try await data.run(id: id)
        } catch {
            throw PageError(error)
        }
        let run = RunRow(detail.summary)
        let view: [String: Any] = [
            "id": run.id, "status": run.status, "rule": run.rule, "environment": run.environment, "source": detail.summary.source,
            "repository": run.repository, "ref": run.ref, "sha": detail.summary.sha, "deliveryID": detail.summary.deliveryID,
            "created": run.created, "createdISO": run.createdISO, "updated": run.updated, "updatedISO": run.updatedISO,
            "notes": detail.notes, "hasNotes": !detail.notes.isEmpty, "canOperate": caller.role.allows(.operator),
            "csrf": sessions.csrfToken(for: caller),
            "steps": detail.steps.map { Self.stepView($0, runID: id) },
            "statusUpdates": detail.statusUpdates.map(Self.statusUpdateRow), "hasStatusUpdates": !detail.statusUpdates.isEmpty,
        ]
        return Content(template: .run, view: view, title: "Run \(id)", section: "/runs")
    }

    static func stepView(_ step: StepRecord, runID: Int64) -> StepView {
        let started = step.startedAt.map(PageTime.init)
        let finished = step.finishedAt.map(PageTime.init)
        let console = ConsoleLink(provider: step.provider, parameters: step.parameters, externalID: step.externalID)
        return StepView(
            runID: runID, position: step.position, target: step.target, provider: step.provider, status: step.status,
            attempts: step.attempts, started: started?.text, startedISO: started?.iso, finished: finished?.text,
            finishedISO: finished?.iso, duration: PageTime.duration(from: step.startedAt, to: step.finishedAt),
            externalID: step.externalID, consoleURL: console?.url, consoleName: console?.name, error: step.error, notes: step.notes,
            hasNotes: !step.notes.isEmpty, parameters: RecordFormatter.json(ParameterMask.masked(step.parameters)),
            log: step.log ?? "", live: LogEventStream.isLive(step.status))
    }

    static func statusUpdateRow(_ update: StatusUpdateRecord) -> StatusUpdateRow {
        let created = PageTime(update.createdAt)
        return StatusUpdateRow(
            reporter: update.reporter, status: update.status, state: update.state.rawValue, attempts: update.attempts,
            lastError: update.lastError ?? "", created: created.text, createdISO: created.iso)
    }
}
