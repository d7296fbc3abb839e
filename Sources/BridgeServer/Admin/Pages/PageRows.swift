import BridgeCore
import Foundation

/// A time as the pages show it: `2026-12-01 06:45:03 UTC`, with its ISO 8601 form for `<time datetime>`.
struct PageTime {
    let text: String
    let iso: String

    init(_ date: Date) {
        let stamp = RecordFormatter.timestamp(date)
        text = stamp.replacingOccurrences(of: "T", with: " ") + " UTC"
        iso = stamp + "Z"
    }

    /// `3 min 4 s`, `2 h 5 min`: how long a step took.
    static func duration(from start: Date?, to end: Date?) -> String? {
        guard let start, let end else { return nil }
        let seconds = max(0, Int(end.timeIntervalSince(start).rounded()))
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3600 { return "\(seconds / 60) min \(seconds % 60) s" }
        return "\(seconds / 3600) h \(seconds % 3600 / 60) min"
    }
}

/// One `<option>` of a filter's `<select>`.
struct PageOption {
    let value: String
    let label: String
    let selected: Bool

    static func list(_ values: [String], selected: String?, anyLabel: String) -> [PageOption] {
        [PageOption(value: "", label: anyLabel, selected: selected == nil)]
            + values.map { PageOption(value: $0, label: $0, selected: $0 == selected) }
    }
}

/// A run in the lists of the overview, the runs page and a delivery's page.
struct RunRow {
    let id: Int64
    let status: String
    let rule: String
    let environment: String
    let repository: String
    let ref: String
    let shortSHA: String
    let created: String
    let createdISO: String
    let updated: String
    let updatedISO: String

    init(_ run: RunSummary) {
        id = run.id
        status = run.status
        rule = run.rule
        environment = run.environment ?? "–"
        repository = run.repository
        ref = run.ref
        shortSHA = String(run.sha.prefix(12))
        let created = PageTime(run.createdAt)
        let updated = PageTime(run.updatedAt)
        self.created = created.text
        createdISO = created.iso
        self.updated = updated.text
        updatedISO = updated.iso
    }
}

/// A delivery in the deliveries list.
struct DeliveryRow {
    let id: Int64
    let source: String
    let eventName: String
    let received: String
    let receivedISO: String
    /// What became of it (`succeeded`, `1 failed, 1 succeeded`, `ignored`).
    let outcome: String
    /// One word for the badge's colour.
    let statusClass: String
    let runCount: Int

    init(_ delivery: DeliverySummary) {
        id = delivery.id
        source = delivery.source
        eventName = delivery.eventName
        let received = PageTime(delivery.receivedAt)
        self.received = received.text
        receivedISO = received.iso
        outcome = RecordFormatter.state(delivery)
        statusClass = Self.statusClass(delivery)
        runCount = delivery.runCount
    }

    /// `failed` when any of its runs failed, else its runs' single status, else its own.
    static func statusClass(_ delivery: DeliverySummary) -> String {
        if (delivery.runStatuses["failed"] ?? 0) > 0 { return "failed" }
        if delivery.runStatuses.count == 1, let only = delivery.runStatuses.keys.first { return only }
        return delivery.status
    }
}
