import BridgeCore
import Foundation

/// Plain-text and JSON renderings of recorded deliveries and runs, for the command line.
public enum RecordFormatter {
    /// Deliveries as a table, newest first.
    public static func table(_ deliveries: [DeliverySummary]) -> String {
        guard !deliveries.isEmpty else { return "no deliveries recorded" }
        var rows = [["ID", "RECEIVED", "SOURCE", "EVENT", "STATUS", "RUNS", "DUPES", "KEY"]]
        for delivery in deliveries {
            rows.append([
                String(delivery.id), timestamp(delivery.receivedAt), delivery.source, delivery.eventName,
                state(delivery) + (delivery.recovered ? " (recovered)" : ""), String(delivery.runCount), String(delivery.duplicates), delivery.key,
            ])
        }
        return align(rows)
    }

    /// What a delivery came to: for one that queued runs, where its runs are now (`succeeded`, `1 failed, 1
    /// succeeded`), not the `queued` it was recorded as; otherwise its own status (`duplicate`, `ignored`, `ping`).
    static func state(_ delivery: DeliverySummary) -> String {
        guard delivery.status == "queued", !delivery.runStatuses.isEmpty else { return delivery.status }
        if delivery.runStatuses.count == 1, let only = delivery.runStatuses.keys.first { return only }
        return runStates(delivery.runStatuses)
    }

    /// `1 failed, 2 succeeded`: counts in the order a run moves through its states.
    static func runStates(_ counts: [String: Int]) -> String {
        let order = ["queued", "running", "succeeded", "failed", "canceled", "superseded"]
        return counts.sorted { (order.firstIndex(of: $0.key) ?? order.count, $0.key) < (order.firstIndex(of: $1.key) ?? order.count, $1.key) }
            .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }

    /// Runs as a table, newest first.
    public static func table(_ runs: [RunSummary]) -> String {
        guard !runs.isEmpty else { return "no runs recorded" }
        var rows = [["ID", "CREATED", "RULE", "ENVIRONMENT", "REPOSITORY", "REF", "SHA", "STATUS", "DELIVERY"]]
        for run in runs {
            rows.append([
                String(run.id), timestamp(run.createdAt), run.rule, run.environment ?? "-", run.repository, run.ref,
                String(run.sha.prefix(12)), run.status, String(run.deliveryID),
            ])
        }
        return align(rows)
    }

    /// One delivery with its runs.
    public static func detail(_ delivery: DeliveryDetail) -> String {
        let summary = delivery.summary
        var lines = [
            "delivery \(summary.id)",
            "  source:    \(summary.source) (\(summary.forge.rawValue))",
            "  key:       \(summary.key)",
            "  event:     \(summary.eventName)",
            "  received:  \(timestamp(summary.receivedAt))",
            "  status:    \(summary.status)" + (summary.reason.map { " — \($0)" } ?? "")
                + (summary.runStatuses.isEmpty ? "" : "; runs now: \(runStates(summary.runStatuses))"),
            "  duplicates answered: \(summary.duplicates)",
        ]
        if summary.recovered {
            lines.append("  recovered: it was missed, and arrived after recovery asked the forge to send it again")
        }
        lines.append(delivery.runs.isEmpty ? "  runs: none" : "  runs:")
        for run in delivery.runs {
            lines.append("    \(run.id)  \(run.rule)  \(run.repository) \(run.ref) \(run.sha.prefix(12))  \(run.status)")
        }
        if !delivery.duplicateOfRuns.isEmpty {
            lines.append("  runs that already existed: \(delivery.duplicateOfRuns.map(String.init).joined(separator: ", "))")
        }
        lines += eventLines(delivery.events)
        if !delivery.headers.isEmpty {
            lines.append("  headers (secrets masked):")
            lines += delivery.headers.map { "    \($0.name): \($0.value)" }
        }
        return lines.joined(separator: "\n")
    }

    /// Each recorded event and every rule's verdict on it.
    static func eventLines(_ events: [DeliveryEventRecord]) -> [String] {
        var lines: [String] = []
        for record in events {
            let event = record.event
            lines.append("  event: \(event.repository) \(event.ref) \(event.sha.isEmpty ? "(deleted)" : String(event.sha.prefix(12)))")
            if let reason = record.ignoredReason { lines.append("    ignored: \(reason)") }
            for verdict in record.verdicts {
                lines.append("    rule \(verdict.rule): \(verdict.matched ? "matched" : "no") — \(verdict.reason)")
            }
        }
        return lines
    }

    /// One run with its event, notes and steps.
    public static func detail(_ run: RunDetail) -> String {
        let summary = run.summary
        var lines = [
            "run \(summary.id)",
            "  rule:        \(summary.rule)",
            "  environment: \(summary.environment ?? "-")",
            "  repository:  \(summary.repository) (source \(summary.source))",
            "  ref:         \(summary.ref)",
            "  sha:         \(summary.sha)",
            "  status:      \(summary.status)",
            "  delivery:    \(summary.deliveryID)",
            "  created:     \(timestamp(summary.createdAt)), updated \(timestamp(summary.updatedAt))",
        ]
        lines += run.notes.map { "  note: \($0)" }
        lines.append("  steps:")
        for step in run.steps {
            var line = "    \(step.position). \(step.target) (\(step.provider))  \(step.status), attempts \(step.attempts)"
            if let external = step.externalID { line += ", external id \(external)" }
            lines.append(line)
            if let resource = step.resource, resource != step.target {
                lines.append("       resource: \(resource) (one step at a time)")
            }
            if let started = step.startedAt {
                var timing = "       started \(timestamp(started))"
                if let finished = step.finishedAt {
                    timing += ", finished \(timestamp(finished)) (\(duration(from: started, to: finished)))"
                }
                lines.append(timing)
            }
            lines += step.notes.map { "       note: \($0)" }
            if let error = step.error { lines.append("       error: \(error)") }
            if let log = step.log, !log.isEmpty {
                let text = log.hasSuffix("\n") ? log.dropLast() : Substring(log)
                lines += text.split(separator: "\n", omittingEmptySubsequences: false).suffix(20).map { "       | \($0)" }
            }
        }
        lines.append(run.statusUpdates.isEmpty ? "  forge: nothing reported" : "  forge:")
        for update in run.statusUpdates {
            var line = "    \(update.reporter) \(update.status): \(update.state.rawValue)"
            if update.attempts > 0 { line += ", attempts \(update.attempts)" }
            if let settled = update.settledAt { line += ", \(timestamp(settled))" }
            lines.append(line)
            if let error = update.lastError, update.state != .sent { lines.append("       error: \(error)") }
        }
        return lines.joined(separator: "\n")
    }

    /// Any record as pretty JSON.
    public static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // Safety: records are plain Codable structs of strings, numbers and dates.
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    static func duration(from start: Date, to end: Date) -> String {
        let seconds = end.timeIntervalSince(start)
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        return whole < 3600 ? "\(whole / 60)m\(whole % 60)s" : "\(whole / 3600)h\(whole % 3600 / 60)m"
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon))
    }

    static func align(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
